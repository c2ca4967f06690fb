"""Never pay twice per person, subsidy and month (not per grant); explicit first payable month;
arrears' second approval; when finalisation read its inputs.

The old guarantee was one payment per *grant* and month, so a person holding a stopped grant
and a new grant of the same subsidy could be paid twice for a month. The new unique index is
keyed by person, subsidy and month over outstanding payments (not failed, not taken back by a
recovery). Existing recoveries are linked to the payment they took back first, and the
upgrade stops with a list if the ledger already holds a double payment: those must be
resolved by the federation (a recovery on the old version) before upgrading, because no
automatic choice of which payment stands would be right.
"""

from django.conf import settings
from django.db import migrations, models

PAYING = "('regular', 'arrears', 'reissue')"


def first_payable(apps, schema_editor):
    """A grant is paid by this system from its first ledger line (or its start, if none)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE benefits_grant SET first_payable_month = start_month")
        cursor.execute("""CREATE TEMP TABLE grant_first_line AS
            SELECT grant_id, MIN(period) AS first FROM benefits_rollline GROUP BY grant_id""")
        cursor.execute("CREATE INDEX grant_first_line_grant ON grant_first_line (grant_id)")
        cursor.execute("""UPDATE benefits_grant SET first_payable_month = (
                SELECT f.first FROM grant_first_line f WHERE f.grant_id = benefits_grant.id)
            WHERE id IN (SELECT grant_id FROM grant_first_line)
              AND start_month < (SELECT f.first FROM grant_first_line f
                                 WHERE f.grant_id = benefits_grant.id)""")
        cursor.execute("DROP TABLE grant_first_line")


def link_recoveries_and_check(apps, schema_editor):
    """Link each finalised recovery to the payment it took back (same grant and month), then
    refuse to go on if any person-month still has two outstanding payments."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"""UPDATE benefits_rollline SET recovered_by = (
                SELECT MIN(r.id) FROM benefits_rollline r JOIN benefits_roll rr ON rr.id = r.roll_id
                WHERE rr.status = 'finalised' AND r.kind = 'recovery'
                  AND r.payment_status <> 'failed' AND r.grant_id = benefits_rollline.grant_id
                  AND r.period = benefits_rollline.period)
            WHERE kind IN {PAYING} AND payment_status <> 'failed' AND amount > 0
              AND EXISTS (SELECT 1 FROM benefits_rollline r JOIN benefits_roll rr ON rr.id = r.roll_id
                WHERE rr.status = 'finalised' AND r.kind = 'recovery'
                  AND r.payment_status <> 'failed' AND r.grant_id = benefits_rollline.grant_id
                  AND r.period = benefits_rollline.period)""")  # noqa: S608
        cursor.execute("UPDATE benefits_roll SET inputs_read_at = finalised_at "
                       "WHERE status = 'finalised'")
        cursor.execute(f"""SELECT person_id, subsidy, period, COUNT(*) FROM benefits_rollline
            WHERE kind IN {PAYING} AND payment_status <> 'failed' AND recovered_by IS NULL
            GROUP BY period, person_id, subsidy HAVING COUNT(*) > 1
            ORDER BY person_id, subsidy, period LIMIT 50""")  # noqa: S608
        twice = cursor.fetchall()
    if twice:
        listed = "; ".join(f"person {p} {s} {str(m)[:7]} ×{n}" for p, s, m, n in twice)
        raise RuntimeError(
            "The payment ledger holds person-months paid twice (first 50: " + listed + "). "
            "Record a recovery for each on the previous version (stop or correct the grant and "
            "finalise a roll), then upgrade. See docs/payments.md.")


class Migration(migrations.Migration):

    dependencies = [
        ("benefits", "0006_paidyear"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="grant",
            name="first_payable_month",
            field=models.DateField(null=True, verbose_name="first month paid by this system"),
        ),
        migrations.RunPython(first_payable, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="grant",
            name="first_payable_month",
            field=models.DateField(verbose_name="first month paid by this system"),
        ),
        migrations.AddField(
            model_name="grant",
            name="arrears_approved_from",
            field=models.DateField(blank=True, null=True, verbose_name="arrears approved from (month)"),
        ),
        migrations.AddField(
            model_name="grant",
            name="arrears_approved_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="roll",
            name="inputs_read_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="roll",
            name="held_arrears",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="rollline",
            name="recovered_by",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(link_recoveries_and_check, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="rollline",
            name="never_pay_twice",
        ),
        migrations.AddConstraint(
            model_name="rollline",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind__in", ["regular", "arrears", "reissue"]),
                                   models.Q(("payment_status", "failed"), _negated=True),
                                   ("recovered_by__isnull", True)),
                fields=("period", "person", "subsidy"), name="never_pay_twice"),
        ),
    ]
