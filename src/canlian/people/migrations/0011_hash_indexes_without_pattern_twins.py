"""Keyed-hash columns: their indexes declared in Meta, without the pattern-ops twins no query used."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import canlian.core.encrypted


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0010_first_application_expired'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The field's state only: AlterField would also drop the partial unique index on
        # this column (core.encrypted.migration_unindex says why).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='firstapplication',
                name='resident_id_index',
                field=canlian.core.encrypted.BlindIndexField(purpose='resident_id', source='resident_id'),
            )],
            database_operations=[migrations.RunPython(
                *canlian.core.encrypted.migration_unindex('people', 'firstapplication', 'resident_id_index'))],
        ),
        migrations.AlterField(
            model_name='person',
            name='certificate_number_index',
            field=canlian.core.encrypted.BlindIndexField(null=True, purpose='certificate_number', source='certificate_number'),
        ),
        migrations.AlterField(
            model_name='person',
            name='guardian_phone_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='phone', source='guardian_phone'),
        ),
        migrations.AlterField(
            model_name='person',
            name='guardian_resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='resident_id', source='guardian_resident_id'),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='person',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='resident_id', source='resident_id'),
        ),
        migrations.AlterField(
            model_name='person',
            name='resident_id_tail',
            field=canlian.core.encrypted.TailField(max_length=4, source='resident_id'),
        ),
        migrations.AlterField(
            model_name='person',
            name='village',
            field=models.ForeignKey(db_index=False, limit_choices_to={'level': 'village'}, on_delete=django.db.models.deletion.PROTECT, related_name='residents', to='regions.region', verbose_name='village/community'),
        ),
        migrations.AddIndex(
            model_name='firstapplication',
            index=models.Index(fields=['resident_id_index'], name='first_resident_id_index'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['resident_id_tail'], name='person_resident_id_tail'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['phone_index'], name='person_phone_index'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['guardian_resident_id_index'], name='person_guardian_rid_index'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['guardian_phone_index'], name='person_guardian_phone_index'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(fields=('resident_id_index',), name='person_resident_id_index_key'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(fields=('certificate_number_index',), name='person_certificate_number_key'),
        ),
    ]
