"""Five years of records behind the indicators, generated inside PostgreSQL.

The Python demo seeder (``canlian.demo.programs``) is fine for a demo district; at a
million persons the same records are produced set-based by the database itself.
"""

from __future__ import annotations

import time

from django.db import connection

STATEMENTS = [
    # Needs and the services that met them are drawn together, so each survey's
    # services-received flags (``surveys.served``) are written with the row and the service
    # records below are made from them (the random draws sit in a subquery, one per row).
    ("surveys", """
    INSERT INTO surveys_annualsurvey (person_id, year, village_id, birth_date, household_type,
        surveyed_on, surveyor_id,
        pension_insured, medical_insured, receives_living_subsidy, receives_nursing_subsidy,
        household_income_per_capita, employment_status, employment_form, not_working_reason,
        able_to_work, confirm_unusual, education_status, not_enrolled_reason,
        finished_compulsory, rehab_need, rehab_types, device_need, device_types, care_need,
        home_accessibility_need, culture_sports, served_rehab, served_device, served_culture,
        served_basic_device, category, grade, highest_level, created_at, updated_at)
    SELECT id, y, village_id, birth_date, household_type, make_date(y, 5, 10), NULL,
        random() < 0.97, random() < 0.985, false, false,
        round((12000 + random() * 30000)::numeric, 2),
        CASE WHEN random() < 0.55 THEN 'employed' ELSE 'not_working' END, '', '',
        random() < 0.6, true,
        CASE WHEN age(make_date(y, 9, 1), birth_date) < interval '16 years'
                  AND age(make_date(y, 9, 1), birth_date) >= interval '6 years'
             THEN 'compulsory_school' ELSE 'finished' END, '', true,
        rehab, '["training"]', device, '["mobility"]',
        CASE WHEN random() < 0.05 THEN 'day' ELSE 'none' END,
        random() < 0.08, culture, rehab AND random() < 0.96, device AND fitted,
        culture, device AND fitted, category, grade,
        CASE WHEN age(make_date(y, 9, 1), birth_date) >= interval '16 years'
             THEN 'junior_secondary' ELSE '' END, now(), now()
    FROM (SELECT p.id, p.village_id, p.birth_date, p.household_type, y, c.category, c.grade,
                 random() < 0.33 AS rehab, random() < 0.2 AS device, random() < 0.9 AS culture,
                 random() < 0.95 AS fitted
          FROM generate_series(2021, 2025) AS y CROSS JOIN people_person p
          -- the certificate valid on the survey date (certificates.validity)
          LEFT JOIN certificates_certificate c ON c.person_id = p.id
               AND c.issue_date <= make_date(y, 5, 10) AND c.valid_until >= make_date(y, 5, 10)
               AND (c.status IN ('issued', 'expired') OR c.ended_on > make_date(y, 5, 10))
          WHERE p.certificate_number IS NOT NULL AND p.birth_date < make_date(y, 1, 1)) d
    ORDER BY y, village_id
    """),
    ("services (rehabilitation)", """
    INSERT INTO services_servicerecord (person_id, service_type_id, village_id, institution_id,
        provider, device_id, start_date, end_date, outcome, cost, subsidy, recorded_by_id,
        created_at, updated_at)
    SELECT s.person_id, (SELECT id FROM services_servicetype WHERE code = 'rehab_training'),
        s.village_id, NULL, '', NULL, make_date(s.year, 1 + mod(s.person_id, 12)::int, 15), NULL, '',
        800, 640, NULL, now(), now()
    FROM surveys_annualsurvey s WHERE s.served_rehab
    """),
    ("services (devices)", """
    INSERT INTO services_servicerecord (person_id, service_type_id, village_id, institution_id,
        provider, device_id, start_date, end_date, outcome, cost, subsidy, recorded_by_id,
        created_at, updated_at)
    SELECT s.person_id, (SELECT id FROM services_servicetype WHERE code = 'device_fitting'),
        s.village_id, NULL, '', (SELECT id FROM services_devicetype WHERE code = 'wheelchair'),
        make_date(s.year, 1 + mod(s.person_id, 12)::int, 20), NULL, '', 1200, 960, NULL, now(), now()
    FROM surveys_annualsurvey s WHERE s.served_device
    """),
    ("services (culture)", """
    INSERT INTO services_servicerecord (person_id, service_type_id, village_id, institution_id,
        provider, device_id, start_date, end_date, outcome, cost, subsidy, recorded_by_id,
        created_at, updated_at)
    SELECT s.person_id, (SELECT id FROM services_servicetype WHERE code = 'culture_event'),
        s.village_id, NULL, '', NULL, make_date(s.year, 6, 1), NULL, '', 0, 0, NULL, now(), now()
    FROM surveys_annualsurvey s WHERE s.served_culture
    """),
    ("institutions", """
    INSERT INTO services_institution (name, kind, township_id, capacity, opened_on, closed_on,
        address, operator, staff, professional_staff, accessibility, accessibility_note)
    SELECT r.name || k.label, k.kind, r.code, 30, make_date(2019 + (random() * 4)::int, 3, 1),
        NULL, '', '', 0, 0, '', ''
    FROM regions_region r CROSS JOIN (VALUES ('残疾人之家', 'home_of_disabled'),
        ('托养中心', 'care'), ('残疾人服务中心', 'township_service')) AS k(label, kind)
    WHERE r.level = 'township'
    """),
    ("grants", """
    INSERT INTO benefits_grant (person_id, subsidy, application_id, start_month,
        first_payable_month, end_month, status, stop_reason, bank_name, bank_account,
        needs_long_term_care, care_months,
        institutional_care, own_income, hukou_in_region, work_injury_care_allowance,
        orphan_basic_living, other_allowances, created_at, updated_at)
    SELECT p.id, s.subsidy, NULL, date '2021-01-01', date '2021-01-01', NULL, 'active', '', '农商银行',
        lpad(mod(p.id * 7919, 10000000000)::text, 19, '6'), true, 12, false, NULL, true, false,
        false, '{}', now() - interval '5 years', now() - interval '40 days'
    FROM people_person p
    JOIN people_household h ON h.id = p.household_id
    CROSS JOIN (VALUES ('living'), ('nursing')) AS s(subsidy)
    WHERE p.life_status = 'alive' AND p.certificate_number IS NOT NULL
      AND ((s.subsidy = 'living' AND h.household_type = 'dibao')
        OR (s.subsidy = 'nursing' AND p.grade <= 2 AND mod(p.id, 5) <> 0))
    """),
    ("rolls", """
    INSERT INTO benefits_roll (month, kind, sequence, region_id, status, line_count, total,
        digest, created_by_id, created_at, finalised_by_id, finalised_at, inputs_read_at,
        held_arrears)
    SELECT m::date, 'regular', 1, %(root)s, 'finalised', 0, 0, '', NULL, now(), NULL, now(),
        now(), '[]'
    FROM generate_series(date '2021-01-01', date_trunc('month', now()) - interval '1 month',
                         interval '1 month') AS m
    """),
    ("roll lines (five years of monthly payments)", """
    INSERT INTO benefits_rollline (roll_id, grant_id, person_id, subsidy, period, kind, amount,
        rule_version, reason, village_code, payee, bank_account, payment_status, failure_reason)
    SELECT r.id, g.id, g.person_id, g.subsidy, r.month, 'regular',
        CASE WHEN g.subsidy = 'living' THEN 330 ELSE 300 END, '2016-01-01', '本月发放',
        p.village_id, p.name, g.bank_account, 'paid', ''
    FROM benefits_grant g JOIN people_person p ON p.id = g.person_id
    JOIN benefits_roll r ON r.region_id = %(root)s
    """),
    ("paid persons per year (summary of the ledger)", """
    INSERT INTO benefits_paidyear (person_id, subsidy, year)
    SELECT DISTINCT person_id, subsidy, EXTRACT(YEAR FROM period)::int FROM benefits_rollline
    WHERE amount > 0 AND payment_status <> 'failed'
    """),
]


BULK_TABLES = ("surveys_annualsurvey", "services_servicerecord", "benefits_rollline")


def seed(root_code: str, echo=print) -> dict[str, float]:
    """Run every statement, VACUUM ANALYZE, and return the seconds each took.

    The big tables' secondary indexes are dropped for the load and rebuilt after it (the
    usual bulk-load practice: building an index once is far cheaper than maintaining it
    row by row)."""
    timings: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)""",
                       [list(BULK_TABLES)])
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        for name, sql in STATEMENTS:
            started = time.perf_counter()
            cursor.execute(sql, {"root": root_code})
            timings[name] = time.perf_counter() - started
            echo(f"  {name}: {cursor.rowcount:,} rows in {timings[name]:.1f} s")
        started = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        timings["indexes"] = time.perf_counter() - started
        echo(f"  rebuilt {len(indexes)} indexes in {timings['indexes']:.1f} s")
        # As autovacuum leaves a live database: statistics, and the visibility map that
        # lets the indicators' index-only scans skip the heap.
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum"] = time.perf_counter() - started
        echo(f"  vacuum and analyze in {timings['vacuum']:.1f} s")
    return timings
