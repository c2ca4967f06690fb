"""Keyed-hash columns: their indexes declared in Meta, without the pattern-ops twins no query used."""

from django.db import migrations, models

import canlian.core.encrypted


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0005_number_keys'),
        ('people', '0010_first_application_expired'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='certificate',
            name='number_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='certificate_number', source='number'),
        ),
        migrations.AddIndex(
            model_name='certificate',
            index=models.Index(fields=['number_index'], name='certificate_number_index'),
        ),
    ]
