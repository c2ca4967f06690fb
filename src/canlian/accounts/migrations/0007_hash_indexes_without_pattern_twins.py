"""Keyed-hash columns: their indexes declared in Meta, without the pattern-ops twins no query used."""

from django.db import migrations, models

import canlian.core.encrypted


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_encrypt_resident_ids'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('people', '0010_first_application_expired'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='resident_id', source='resident_id'),
        ),
        migrations.AddIndex(
            model_name='user',
            index=models.Index(fields=['resident_id_index'], name='user_resident_id_index'),
        ),
    ]
