"""PaidYear: the persons paid per subsidy and year, filled from the ledger's paid lines
(finalised roll, positive amount, not failed: ``rolls.paid_lines``)."""

import django.db.models.deletion
from django.db import migrations, models

YEAR = {"postgresql": "EXTRACT(YEAR FROM l.period)::int",
        "sqlite": "CAST(strftime('%Y', l.period) AS INTEGER)"}


def backfill(apps, schema_editor):
    year = YEAR.get(schema_editor.connection.vendor)
    if year is None:
        raise NotImplementedError(schema_editor.connection.vendor)
    with schema_editor.connection.cursor() as cursor:  # no parameters: '%' stays literal
        cursor.execute(f"""
            INSERT INTO benefits_paidyear (person_id, subsidy, year)
            SELECT DISTINCT l.person_id, l.subsidy, {year} FROM benefits_rollline l
            JOIN benefits_roll r ON r.id = l.roll_id
            WHERE r.status = 'finalised' AND l.amount > 0 AND l.payment_status <> 'failed'""")  # noqa: S608


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0005_rollline_period'),
        ('people', '0004_person_household_type'),
    ]

    operations = [
        migrations.CreateModel(
            name='PaidYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subsidy', models.CharField(choices=[('living', 'Living subsidy for persons in hardship (困难残疾人生活补贴)'), ('nursing', 'Nursing subsidy for severely disabled persons (重度残疾人护理补贴)')], max_length=8)),
                ('year', models.PositiveSmallIntegerField()),
                ('person', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('year', 'subsidy', 'person'), name='paidyear_once')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
