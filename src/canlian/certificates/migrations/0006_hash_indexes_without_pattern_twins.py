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
        # The field's state only: AlterField would also drop the partial unique index on
        # this column (core.encrypted.migration_unindex says why).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='certificate',
                name='number_index',
                field=canlian.core.encrypted.BlindIndexField(purpose='certificate_number', source='number'),
            )],
            database_operations=[migrations.RunPython(
                *canlian.core.encrypted.migration_unindex('certificates', 'certificate', 'number_index'))],
        ),
        migrations.AddIndex(
            model_name='certificate',
            index=models.Index(fields=['number_index'], name='certificate_number_index'),
        ),
    ]
