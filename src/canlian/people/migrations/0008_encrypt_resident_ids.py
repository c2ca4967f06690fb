"""Resident IDs and certificate numbers encrypted at rest (core/encrypted.py), with blind
indexes for exact search and the ID's last four characters in clear (docs/privacy.md)."""

from django.conf import settings
from django.db import migrations

import canlian.core.encrypted
from canlian.core.encrypted import migration_encrypt


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0007_encrypt_phones'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='firstapplication',
            name='one_open_first_application',
        ),
        migrations.RemoveConstraint(
            model_name='person',
            name='person_not_own_guardian',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_id_tail',
        ),
        migrations.AddField(
            model_name='firstapplication',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(db_index=True, purpose='resident_id', source='resident_id'),
        ),
        migrations.AddField(
            model_name='person',
            name='certificate_number_index',
            field=canlian.core.encrypted.BlindIndexField(null=True, purpose='certificate_number', source='certificate_number'),
        ),
        migrations.AddField(
            model_name='person',
            name='guardian_resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(db_index=True, purpose='resident_id', source='guardian_resident_id'),
        ),
        migrations.AddField(
            model_name='person',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='resident_id', source='resident_id'),
        ),
        migrations.AddField(
            model_name='person',
            name='resident_id_tail',
            field=canlian.core.encrypted.TailField(db_index=True, max_length=4, source='resident_id'),
        ),
        migrations.AlterField(
            model_name='firstapplication',
            name='guardian_resident_id',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=18, verbose_name="guardian's resident ID"),
        ),
        migrations.AlterField(
            model_name='firstapplication',
            name='resident_id',
            field=canlian.core.encrypted.EncryptedCharField(max_length=18, verbose_name='resident ID number'),
        ),
        migrations.AlterField(
            model_name='person',
            name='certificate_number',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, editable=False, max_length=22, null=True, verbose_name='certificate number'),
        ),
        migrations.AlterField(
            model_name='person',
            name='guardian_resident_id',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=18, verbose_name="guardian's resident ID"),
        ),
        migrations.AlterField(
            model_name='person',
            name='resident_id',
            field=canlian.core.encrypted.EncryptedCharField(max_length=18, verbose_name='resident ID number'),
        ),
        migrations.AlterField(
            model_name='rosterimport',
            name='errors',
            field=canlian.core.encrypted.EncryptedJSONField(blank=True, default=list),
        ),
        # Existing values encrypted and their indexes computed, in batches of 2,000.
        migrations.RunPython(migration_encrypt("people", "Person"), migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("people", "FirstApplication"), migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("people", "RosterImport"), migrations.RunPython.noop),
    ]
