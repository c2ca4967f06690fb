"""The person's facts at the survey (date of birth, household type), copied onto each survey.

Existing surveys take today's household type: the best record there is of the past.
PostgreSQL joins once (``UPDATE … FROM``); SQLite looks each person up.
"""

from django.db import migrations, models

FILL = {
    "postgresql": """
        UPDATE surveys_annualsurvey s SET birth_date = p.birth_date,
            household_type = p.household_type
        FROM people_person p WHERE p.id = s.person_id""",
    "sqlite": """
        UPDATE surveys_annualsurvey SET
            birth_date = (SELECT p.birth_date FROM people_person p
                          WHERE p.id = surveys_annualsurvey.person_id),
            household_type = (SELECT p.household_type FROM people_person p
                              WHERE p.id = surveys_annualsurvey.person_id)""",
}


def fill(apps, schema_editor):
    schema_editor.execute(FILL[schema_editor.connection.vendor])


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0001_initial'),
        ('people', '0004_person_household_type'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualsurvey',
            name='birth_date',
            field=models.DateField(editable=False, null=True, verbose_name='date of birth'),
        ),
        migrations.AddField(
            model_name='annualsurvey',
            name='household_type',
            field=models.CharField(blank=True, editable=False, max_length=12, verbose_name='household type at the survey'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
