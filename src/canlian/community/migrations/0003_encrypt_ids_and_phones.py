"""Volunteers' resident IDs and the community phones encrypted at rest (core/encrypted.py)."""

from django.db import migrations

import canlian.core.encrypted
from canlian.core.encrypted import migration_encrypt


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0002_emergency_close_confirmation'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='volunteer',
            name='volunteer_resident_id_unique',
        ),
        migrations.AddField(
            model_name='volunteer',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(db_index=True, purpose='resident_id', source='resident_id'),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='phone',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=20, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='place',
            name='manager_phone',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=20, verbose_name="managing unit's phone"),
        ),
        migrations.AlterField(
            model_name='rosterentry',
            name='contact_phone',
            field=canlian.core.encrypted.EncryptedCharField(max_length=20, verbose_name="contact's phone"),
        ),
        migrations.AlterField(
            model_name='volunteer',
            name='phone',
            field=canlian.core.encrypted.EncryptedCharField(max_length=20, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='volunteer',
            name='resident_id',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=18, verbose_name='resident ID number'),
        ),
        # Existing values encrypted and their indexes computed, in batches of 2,000.
        migrations.RunPython(migration_encrypt("community", "Volunteer"), migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("community", "Organisation"), migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("community", "Place"), migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("community", "RosterEntry"), migrations.RunPython.noop),
    ]
