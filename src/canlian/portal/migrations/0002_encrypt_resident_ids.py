"""Sign-in codes keep the resident ID encrypted, found by its blind index."""

from django.db import migrations

import canlian.core.encrypted
from canlian.core.encrypted import migration_encrypt


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='signincode',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(db_index=True, purpose='resident_id', source='resident_id'),
        ),
        migrations.AlterField(
            model_name='signincode',
            name='resident_id',
            field=canlian.core.encrypted.EncryptedCharField(max_length=18),
        ),
        # Existing values encrypted and their indexes computed, in batches of 2,000.
        migrations.RunPython(migration_encrypt("portal", "SignInCode"), migrations.RunPython.noop),
    ]
