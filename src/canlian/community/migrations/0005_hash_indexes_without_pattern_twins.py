"""Keyed-hash columns: their indexes declared in Meta, without the pattern-ops twins no query used."""

from django.db import migrations, models

import canlian.core.encrypted


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0004_volunteer_id_key'),
        ('regions', '0001_initial'),
    ]

    operations = [
        # The field's state only: AlterField would also drop the partial unique index on
        # this column (core.encrypted.migration_unindex says why).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='volunteer',
                name='resident_id_index',
                field=canlian.core.encrypted.BlindIndexField(purpose='resident_id', source='resident_id'),
            )],
            database_operations=[migrations.RunPython(
                *canlian.core.encrypted.migration_unindex('community', 'volunteer', 'resident_id_index'))],
        ),
        migrations.AddIndex(
            model_name='volunteer',
            index=models.Index(fields=['resident_id_index'], name='volunteer_resident_id_index'),
        ),
    ]
