"""Bank accounts encrypted at rest (core/crypto.py)."""


from django.db import migrations

import canlian.core.encrypted
from canlian.core.encrypted import migration_encrypt


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0010_year_facts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='grant',
            name='bank_account',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=30, verbose_name='bank account'),
        ),
        migrations.AlterField(
            model_name='rollline',
            name='bank_account',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=30),
        ),
        migrations.AlterField(
            model_name='subsidyapplication',
            name='bank_account',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=30, verbose_name='bank account'),
        ),
        # Existing clear accounts are encrypted in batches of 2,000 rows.
        migrations.RunPython(migration_encrypt("benefits", "SubsidyApplication"),
                             migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("benefits", "Grant"), migrations.RunPython.noop),
        migrations.RunPython(migration_encrypt("benefits", "RollLine"), migrations.RunPython.noop),
    ]
