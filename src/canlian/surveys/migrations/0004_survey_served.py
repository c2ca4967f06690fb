"""Services received in the year, held on each survey (``surveys.served``) and filled from
the service records already there (set-based; only rows whose flag is true are written)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from canlian.surveys import served

    served.rebuild(survey_model=apps.get_model("surveys", "AnnualSurvey"),
                   record_model=apps.get_model("services", "ServiceRecord"))


class Migration(migrations.Migration):

    dependencies = [
        ('services', '0004_service_type_date_person'),
        ('surveys', '0003_survey_home_need'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualsurvey',
            name='served_culture',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='took part in a culture or sports service'),
        ),
        migrations.AddField(
            model_name='annualsurvey',
            name='served_device',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='fitted with a device in the year'),
        ),
        migrations.AddField(
            model_name='annualsurvey',
            name='served_rehab',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='received rehabilitation in the year'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
