"""Citizens' resident IDs encrypted at rest, found by their blind index; their user names,
which held the ID, become ``citizen-`` and the start of the index."""

from django.db import migrations

import canlian.core.encrypted
from canlian.core.encrypted import migration_encrypt


def rename_citizens(apps, schema_editor):
    """``citizen-<resident ID>`` → ``citizen-<its blind index>``: the ID stays out of the
    clear columns (portal.actions.citizen_account names new accounts the same way)."""
    User = apps.get_model("accounts", "User")
    rows = list(User.objects.filter(username__startswith="citizen-").exclude(
        resident_id_index="").only("id", "username", "resident_id_index"))
    for user in rows:
        user.username = f"citizen-{user.resident_id_index}"
    User.objects.bulk_update(rows, ["username"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_evaluator_role'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(db_index=True, purpose='resident_id', source='resident_id'),
        ),
        migrations.AlterField(
            model_name='user',
            name='resident_id',
            field=canlian.core.encrypted.EncryptedCharField(blank=True, max_length=18, verbose_name='resident ID number'),
        ),
        # Existing values encrypted and their indexes computed, in batches of 2,000.
        migrations.RunPython(migration_encrypt("accounts", "User"), migrations.RunPython.noop),
        migrations.RunPython(rename_citizens, migrations.RunPython.noop),
    ]
