"""Certificate numbers (which embed the resident ID) encrypted at rest, with a blind index."""

from django.db import migrations

import canlian.core.encrypted
from canlian.core.encrypted import migration_encrypt


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0003_public_notice'),
        ('people', '0007_encrypt_phones'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='certificate',
            name='valid_certificate_number_unique',
        ),
        migrations.AddField(
            model_name='certificate',
            name='number_index',
            field=canlian.core.encrypted.BlindIndexField(db_index=True, purpose='certificate_number', source='number'),
        ),
        migrations.AlterField(
            model_name='certificate',
            name='number',
            field=canlian.core.encrypted.EncryptedCharField(max_length=22, verbose_name='certificate number'),
        ),
        # Existing values encrypted and their indexes computed, in batches of 2,000.
        migrations.RunPython(migration_encrypt("certificates", "Certificate"), migrations.RunPython.noop),
    ]
