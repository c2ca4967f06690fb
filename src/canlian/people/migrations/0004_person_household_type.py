"""Person.household_type: a read model of the household's type, filled from the households.

One set-based UPDATE (a correlated subquery, which both SQLite and PostgreSQL run as an
index lookup per person): about half a minute at a million persons on PostgreSQL.
"""

from django.db import migrations, models

BACKFILL = """
UPDATE people_person SET household_type = COALESCE((
    SELECT h.household_type FROM people_household h WHERE h.id = people_person.household_id), '')
WHERE household_id IS NOT NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_household_type_village'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='household_type',
            field=models.CharField(blank=True, choices=[('ordinary', 'Ordinary'), ('dibao', 'Minimum living allowance (低保)'), ('dibao_edge', 'Near minimum allowance (低保边缘)'), ('tekun', 'Destitute support (特困)')], default='', editable=False, max_length=12, verbose_name='household type'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=True),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['village', 'household_type', 'category'], name='person_village_htype'),
        ),
    ]
