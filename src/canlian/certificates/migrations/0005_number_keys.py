"""The number's blind index, once computed by 0003, is the unique key of valid certificates."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0004_encrypt_numbers'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'issued')), fields=('number_index',), name='valid_certificate_number_unique'),
        ),
    ]
