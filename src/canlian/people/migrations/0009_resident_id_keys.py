"""The blind indexes, once computed by 0008, become the unique keys and constraints."""

from django.db import migrations, models

import canlian.core.encrypted


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0008_encrypt_resident_ids'),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='resident_id_index',
            field=canlian.core.encrypted.BlindIndexField(purpose='resident_id', source='resident_id', unique=True),
        ),
        migrations.AlterField(
            model_name='person',
            name='certificate_number_index',
            field=canlian.core.encrypted.BlindIndexField(null=True, purpose='certificate_number', source='certificate_number', unique=True),
        ),
        migrations.AddConstraint(
            model_name='firstapplication',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'submitted')), fields=('resident_id_index',), name='one_open_first_application'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(('guardian_resident_id_index', models.F('resident_id_index')), _negated=True), name='person_not_own_guardian'),
        ),
    ]
