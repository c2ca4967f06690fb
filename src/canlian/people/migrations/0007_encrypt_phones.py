"""Phones encrypted at rest (core/crypto.py), with blind indexes for exact search."""


from django.db import migrations

import canlian.core.encrypted
from canlian.core.encrypted import migration_encrypt


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0006_first_application'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='guardian_phone_index',
            field=canlian.core.encrypted.BlindIndexField(db_index=True, purpose='phone', source='guardian_phone'),
        ),
        migrations.AddField(
            model_name='person',
            name='phone_index',
            field=canlian.core.encrypted.BlindIndexField(db_index=True, purpose='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='contactchange',
            name='old_phone',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=20, verbose_name='phone before'),
        ),
        migrations.AlterField(
            model_name='contactchange',
            name='phone',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=20, verbose_name='new phone'),
        ),
        migrations.AlterField(
            model_name='firstapplication',
            name='guardian_phone',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=20, verbose_name="guardian's phone"),
        ),
        migrations.AlterField(
            model_name='firstapplication',
            name='phone',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=20, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='firstapplication',
            name='verified_phone',
            field=canlian.core.encrypted.EncryptedCharField(max_length=20, verbose_name='phone proven by code'),
        ),
        migrations.AlterField(
            model_name='person',
            name='guardian_phone',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=20, verbose_name="guardian's phone"),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=20, verbose_name='phone'),
        ),
        # Existing clear values are encrypted, and their indexes computed, in batches of 2,000.
        migrations.RunPython(migration_encrypt("people", "Person"), migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("people", "ContactChange"),
                             migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("people", "FirstApplication"),
                             migrations.RunPython.noop),
    ]
