"""The home-accessibility index covers the household type and grade the rate filters on
(index-only scan at a million persons)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0005_survey_certificate_level_basic_device'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='annualsurvey',
            name='survey_home_need',
        ),
        migrations.AddIndex(
            model_name='annualsurvey',
            index=models.Index(condition=models.Q(('home_accessibility_need', True)), fields=['year', 'person', 'household_type', 'grade'], name='survey_home_need_facts'),
        ),
    ]
