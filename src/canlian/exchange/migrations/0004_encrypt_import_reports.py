"""Import reports' rejected rows and flags (which quote IDs, phones and bank accounts as
typed) kept encrypted (core/encrypted.py)."""

from django.db import migrations

import canlian.core.encrypted
from canlian.core.encrypted import migration_encrypt


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0003_department_batches'),
    ]

    operations = [
        migrations.AlterField(
            model_name='migrationimport',
            name='errors',
            field=canlian.core.encrypted.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name='migrationimport',
            name='flags',
            field=canlian.core.encrypted.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.RunPython(migration_encrypt("exchange", "MigrationImport"),
                             migrations.RunPython.noop),
    ]
