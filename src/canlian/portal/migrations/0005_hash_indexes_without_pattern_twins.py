"""Keyed-hash columns: their indexes declared in Meta, without the pattern-ops twins no query used."""

from django.db import migrations, models

import canlian.core.encrypted


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0004_encrypt_outbox_phone'),
    ]

    operations = [
        migrations.AlterField(
            model_name='signincode',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='resident_id', source='resident_id'),
        ),
        migrations.AddIndex(
            model_name='signincode',
            index=models.Index(fields=['resident_id_index'], name='portal_code_resident_id'),
        ),
    ]
