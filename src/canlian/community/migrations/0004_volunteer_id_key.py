"""The volunteer's ID index, once computed by 0003, is its unique key."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0003_encrypt_ids_and_phones'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='volunteer',
            constraint=models.UniqueConstraint(condition=models.Q(('resident_id_index', ''), _negated=True), fields=('resident_id_index',), name='volunteer_resident_id_unique'),
        ),
    ]
