"""Demo migration imports (迁移导入) for a seeded district (``canlian seed``).

A federation adopting Canlian would import the certificate holders of the national
database and the grants its spreadsheets pay. The demo does it for a few of the seeded
persons who hold no certificate yet: one workbook of certificates (with two rows the rules
refuse: a grade that disagrees with the number, and a person not in the registry), then
one of running nursing subsidies (one at another amount than the rules give: imported
suspended, flagged for review). The imports are the demo federation login's, so its
migration page shows them with their reconciliation reports and error workbooks. All
values are demo values, unconfirmed.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.benefits import eligibility
from canlian.benefits.facts import facts_for, has_ruleset, ruleset_for
from canlian.core import clock
from canlian.people import idnumber
from canlian.programmes.models import RosterLine
from canlian.regions.models import Deployment

from . import actions
from .models import MigrationImport

PERSONS = 12


def _book(header: list[str], rows: list[list[str]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def seed_exchange(deployment: Deployment, *, today: dt.date | None = None) -> dict[str, int]:
    today = today or clock.today()
    root = deployment.root
    user = User.objects.filter(role=Role.FEDERATION_STAFF, region=root).first()
    if user is None or MigrationImport.objects.filter(user=user).exists():
        return {}
    persons = list(scoping.people_for(user).filter(
        certificates__isnull=True, death_date__isnull=True,
        birth_date__lte=today.replace(year=today.year - 20)).order_by("id")[:PERSONS])
    if len(persons) < 4:
        return {}
    issued = today.replace(year=today.year - 3, day=1)
    rows = [[p.name, p.resident_id, f"{p.resident_id}4{1 + i % 2}", "肢体残疾",
             "一级" if i % 2 == 0 else "二级", "", issued.isoformat(), "", "有效", ""]
            for i, p in enumerate(persons)]
    rows[-1][4] = "四级"  # disagrees with the number: refused
    stranger = idnumber.make(root.code[:6], dt.date(1970, 1, 1), 901)
    rows.append(["外地人", stranger, f"{stranger}43", "4", "3", "", issued.isoformat(), "", "", ""])
    header = [c.header for c in actions.CERTIFICATE_COLUMNS]
    certificates = actions.run_import(user, "certificates", _book(header, rows),
                                      filename="全国残疾人人口基础库导出（演示）.xlsx")
    made = {"migrated certificates": certificates.created}
    made.update(_seed_surveys(user, today))
    made.update(_seed_departments(user, today))
    made.update(_seed_verification_keys(user))
    if not has_ruleset(deployment):
        return made
    start = issued.replace(month=1) if issued.month > 1 else issued
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    grants = []
    ruleset = ruleset_for(deployment)
    for i, p in enumerate(persons[:4]):
        decision = eligibility.decide(ruleset, "nursing",
                                      facts_for(p, today, {"needs_long_term_care": True}), today)
        amount = decision.monthly_amount if decision.eligible and i else decision.monthly_amount + 20
        grants.append([p.name, p.resident_id, "护理补贴", f"{max(start, issued):%Y-%m}",
                       str(amount), "农村商业银行", f"62284800{p.pk:010d}", f"{last:%Y-%m}", "是"])
    header = [c.header for c in actions.GRANT_COLUMNS]
    batch = actions.run_import(user, "grants", _book(header, grants),
                               filename="两项补贴在发名单（演示）.xlsx")
    made["migrated grants"] = batch.created
    return made


def _seed_surveys(user: User, today: dt.date) -> dict[str, int]:
    """A village's surveys of this year done on paper, imported: one row an unknown answer."""
    year = today.year
    persons = list(scoping.people_for(user).filter(
        death_date__isnull=True, birth_date__lte=today.replace(year=today.year - 20),
        birth_date__gte=today.replace(year=today.year - 55))
        .exclude(surveys__year=year).order_by("id")[:6])
    if len(persons) < 2:
        return {}
    day = today.replace(day=1)
    keys = [c.key for c in actions.SURVEY_COLUMNS]
    values = [{"name": p.name, "resident_id": p.resident_id, "year": str(year),
               "surveyed_on": day.isoformat(), "pension_insured": "是", "medical_insured": "是",
               "employment_status": "未就业", "not_working_reason": "无合适工作",
               "able_to_work": "是", "rehab_need": "是" if i % 2 else "否",
               "rehab_types": "康复训练" if i % 2 else "", "care_need": "无"}
              for i, p in enumerate(persons)]
    values[-1]["employment_status"] = "上班"  # not an answer of the form: refused
    rows = [[v.get(k, "") for k in keys] for v in values]
    batch = actions.run_import(user, "surveys", _book([c.header for c in actions.SURVEY_COLUMNS],
                                                      rows),
                               filename="村级年度动态更新调查（纸质录入，演示）.xlsx")
    return {"imported surveys": batch.created}


def _seed_departments(user: User, today: dt.date) -> dict[str, int]:
    """Other departments' batches: the education bureau's schooling status of three children
    (one out of school: a 控辍保学 case opens; one status not on the list: refused), civil
    affairs' 低保 changes dated last month (one household joins, one leaves; one dated in the
    future: refused), and 医保's confirmation of this year's medical premium roster (one
    insurance kind not on the list: refused)."""
    made: dict[str, int] = {}
    people = scoping.people_for(user).filter(death_date__isnull=True)
    children = list(people.filter(birth_date__lte=today.replace(year=today.year - 7),
                                  birth_date__gte=today.replace(year=today.year - 15))
                    .order_by("id")[:2])
    if children:
        day = today.replace(day=1).isoformat()
        rows = [{"resident_id": children[0].resident_id, "name": children[0].name,
                 "status": "未入学", "reason": "家庭原因", "highest_level": "无", "since": day},
                {"resident_id": children[0].resident_id, "status": "在家", "since": day}]
        if len(children) > 1:
            rows.insert(0, {"resident_id": children[1].resident_id, "name": children[1].name,
                            "status": "随班就读", "school": "实验小学", "since": day})
        batch = actions.run_import(user, "education", _rows(actions.EDUCATION_COLUMNS, rows),
                                   filename="教育局学籍状况（演示）.xlsx")
        made["education statuses"] = batch.created
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
    holders = people.filter(certificate_number__isnull=False)
    leaving = holders.filter(household_type="dibao").order_by("id").first()
    joining = holders.filter(household_type="ordinary").order_by("id").first()
    if leaving is not None and joining is not None:
        rows = [{"resident_id": leaving.resident_id, "name": leaving.name,
                 "household_type": "一般户", "effective": last_month.isoformat(),
                 "income": "2300", "note": "家庭收入超过低保标准"},
                {"resident_id": joining.resident_id, "name": joining.name,
                 "household_type": "低保", "effective": last_month.isoformat(), "income": "520"},
                {"resident_id": joining.resident_id, "household_type": "特困",
                 "effective": (today + dt.timedelta(days=10)).isoformat()}]
        batch = actions.run_import(user, "allowance", _rows(actions.ALLOWANCE_COLUMNS, rows),
                                   filename="民政低保变更（演示）.xlsx")
        made["dibao changes"] = batch.created
    lines = list(RosterLine.objects.filter(
        roster__programme="medical_premium", roster__year=today.year,
        person__in=people).select_related("person").order_by("confirmed", "id")[:3])
    if lines:
        rows = [{"resident_id": ln.person.resident_id, "name": ln.person.name, "kind": "医疗保险",
                 "year": str(today.year), "result": "已参保",
                 "enrolled_on": today.replace(month=1, day=1).isoformat()} for ln in lines]
        rows.append({"resident_id": lines[0].person.resident_id, "kind": "工伤保险",
                     "year": str(today.year), "result": "已参保"})
        batch = actions.run_import(user, "insurance", _rows(actions.INSURANCE_COLUMNS, rows),
                                   filename="医保参保确认（演示）.xlsx")
        made["insurance confirmations"] = batch.created
    return made


def _rows(columns: tuple[actions.Column, ...], rows: list[dict[str, str]]) -> io.BytesIO:
    return _book([c.header for c in columns], [[r.get(c.key, "") for c in columns] for r in rows])


def _seed_verification_keys(user: User) -> dict[str, int]:
    """Two departments' verification keys (the keys themselves are not kept anywhere)."""
    from canlian.api.actions import issue_verification_key

    issue_verification_key(user, "人力资源和社会保障局（社保卡）", ["verify:valid", "verify:category"])
    issue_verification_key(user, "交通运输局（优待乘车）", ["verify:valid"])
    return {"verification keys": 2}
