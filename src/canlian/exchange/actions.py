"""Migration imports (迁移导入): existing certificate holders and running subsidy grants.

A federation adopting Canlian first imports its roster (people/roster.py), then these two
workbooks: the certificates from the national disability population database, and the
subsidy grants its spreadsheets pay today. Both follow the roster import's discipline:

* every row is checked (``holders``: the number agrees with the ID, category and grade; a
  grant is one the rules allow) and every rejected row is reported with its row number,
  column and reason, in an error workbook ready to correct and upload again;
* the whole file is one transaction, written set-based per chunk (``core.bulk``: COPY on
  PostgreSQL), and a re-run creates nothing twice (a certificate is known by its person,
  number and issue date, a grant by its person, subsidy and start month);
* a grant that the rules do not allow as recorded (not eligible today, or another monthly
  amount) is imported suspended, with back pay, and flagged for review (待复核): staff
  check it and resume or stop it through the subsidies pages, so nothing is paid on a
  record nobody has checked;
* the reconciliation report (核对表) counts valid certificates per township and category
  (grants: running grants per township and subsidy) in the importer's region before and
  after, so the federation can compare with the figures of the system it leaves.

Migrated certificates announce nothing (no ``CertificateIssued``): they record decisions
taken elsewhere, and must not open "1+X" applications for persons already served.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action
from canlian.benefits import actions as benefits_actions
from canlian.benefits import eligibility
from canlian.benefits.facts import facts_from_row, has_ruleset, ruleset_for
from canlian.benefits.models import Grant, GrantChange, GrantStatus, Suspension
from canlian.certificates import validity
from canlian.certificates.models import Certificate
from canlian.core import bulk, clock, rowimport, sheets, text
from canlian.core.encrypted import index_values
from canlian.education import actions as education_actions
from canlian.education import rules as education_rules
from canlian.education.models import Pupil, StatusChange
from canlian.indicators import accessibility, places
from canlian.people import roster
from canlian.people.models import Household, Person
from canlian.portal.otp import mask_phone
from canlian.programmes import actions as programme_actions
from canlian.programmes.models import Roster, RosterLine
from canlian.programmes.rules import HOUSEHOLD_ZH
from canlian.regions.models import Region
from canlian.services.models import DeviceType, Group, Institution, ServiceRecord, ServiceType
from canlian.surveys import rules as survey_rules
from canlian.surveys import served
from canlian.surveys.models import AnnualSurvey
from canlian.todos.actions import open_todo

from . import holders
from .models import DeliveryState, HouseholdTypeChange, ImportKind, MigrationImport, SmsDelivery

CHUNK = 2000
ALLOWANCE_TYPES = ("dibao", "dibao_edge", "tekun")  # the reconciliation's household types
HEADER_SEARCH = rowimport.HEADER_SEARCH
MAX_KEPT = 200


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not a workbook, no header, a missing column)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


CERTIFICATE_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name",)),
    Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident_id"), required=True),
    Column("number", "残疾人证号", ("证号", "残疾证号", "certificate_number"), required=True),
    Column("category", "残疾类别", ("类别", "category"), required=True),
    Column("grade", "残疾等级", ("等级", "grade"), required=True),
    Column("components", "多重残疾组成", ("多重残疾", "components")),
    Column("issue_date", "发证日期", ("发证时间", "issue_date"), required=True),
    Column("valid_until", "有效期至", ("有效期", "valid_until")),
    Column("status", "证件状态", ("状态", "status")),
    Column("ended_on", "注销日期", ("ended_on",)),
)
GRANT_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name",)),
    Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident_id"), required=True),
    Column("subsidy", "补贴项目", ("补贴类型", "subsidy"), required=True),
    Column("start_month", "起始月份", ("享受起始年月", "start_month"), required=True),
    Column("monthly_amount", "月发放金额", ("月标准", "金额", "monthly_amount"), required=True),
    Column("bank_name", "开户银行", ("银行", "bank_name")),
    Column("bank_account", "银行账号", ("账号", "bank_account"), required=True),
    Column("paid_through", "已发放至", ("已发至", "paid_through")),
    Column("needs_long_term_care", "需长期照护", ("needs_long_term_care",)),
)
SERVICE_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name",)),
    Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident_id"), required=True),
    Column("service_type", "服务项目", ("服务类型", "service_type"), required=True),
    Column("start_date", "服务日期", ("开始日期", "start_date"), required=True),
    Column("end_date", "结束日期", ("end_date",)),
    Column("institution", "服务机构", ("机构", "institution")),
    Column("provider", "服务提供方", ("提供方", "provider")),
    Column("device", "辅助器具", ("辅具", "device")),
    Column("outcome", "服务结果", ("结果", "outcome")),
    Column("cost", "费用", ("费用（元）", "cost")),
    Column("subsidy", "补助金额", ("补助", "subsidy")),
)
SURVEY_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name",)),
    Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident_id"), required=True),
    Column("year", "调查年度", ("年度", "year"), required=True),
    Column("surveyed_on", "调查日期", ("surveyed_on",), required=True),
    Column("pension_insured", "参加养老保险", ("养老保险", "pension_insured")),
    Column("medical_insured", "参加医疗保险", ("医疗保险", "medical_insured")),
    Column("employment_status", "就业状况", ("employment_status",), required=True),
    Column("employment_form", "就业形式", ("employment_form",)),
    Column("not_working_reason", "未就业原因", ("not_working_reason",)),
    Column("able_to_work", "有劳动能力", ("able_to_work",)),
    Column("education_status", "受教育状况", ("education_status",)),
    Column("not_enrolled_reason", "未入学原因", ("not_enrolled_reason",)),
    Column("finished_compulsory", "完成义务教育", ("finished_compulsory",)),
    Column("highest_level", "最高学历", ("highest_level",)),
    Column("rehab_need", "康复需求", ("rehab_need",)),
    Column("rehab_types", "康复需求类型", ("rehab_types",)),
    Column("device_need", "辅具需求", ("device_need",)),
    Column("device_types", "辅具需求类型", ("device_types",)),
    Column("care_need", "托养照护需求", ("照护需求", "care_need")),
    Column("home_accessibility_need", "无障碍改造需求", ("home_accessibility_need",)),
    Column("culture_sports", "参加文体活动", ("culture_sports",)),
    Column("confirm_unusual", "异常情况已核实", ("confirm_unusual",)),
)
# Other departments' batches (部门数据交换): the education bureau's schooling status, civil
# affairs' 低保 changes, 人社's and 医保's insurance enrolment confirmations.
EDUCATION_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name",)),
    Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident_id"), required=True),
    Column("status", "就学状况", ("学籍状态", "status"), required=True),
    Column("school", "学校", ("学校名称", "school")),
    Column("highest_level", "最高完成学历", ("最高学历", "highest_level")),
    Column("reason", "未入学原因", ("失学原因", "reason")),
    Column("since", "变更日期", ("日期", "起始日期", "since"), required=True),
)
ALLOWANCE_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name",)),
    Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident_id"), required=True),
    Column("household_type", "变更后户类型", ("户类型", "household_type"), required=True),
    Column("effective", "生效日期", ("变更日期", "effective"), required=True),
    Column("income", "家庭月人均收入", ("月人均收入", "income")),
    Column("note", "变更原因", ("说明", "note")),
)
INSURANCE_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name",)),
    Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident_id"), required=True),
    Column("kind", "险种", ("kind",), required=True),
    Column("year", "参保年度", ("年度", "year"), required=True),
    Column("result", "参保结果", ("结果", "result"), required=True),
    Column("enrolled_on", "参保日期", ("enrolled_on",)),
    Column("note", "说明", ("note",)),
)
COLUMNS = {ImportKind.CERTIFICATES: CERTIFICATE_COLUMNS, ImportKind.GRANTS: GRANT_COLUMNS,
           ImportKind.SERVICES: SERVICE_COLUMNS, ImportKind.SURVEYS: SURVEY_COLUMNS,
           ImportKind.EDUCATION: EDUCATION_COLUMNS, ImportKind.ALLOWANCE: ALLOWANCE_COLUMNS,
           ImportKind.INSURANCE: INSURANCE_COLUMNS}
# The version of each department batch's format (docs/integration.md): the template's title.
FORMATS = {ImportKind.EDUCATION: "education-status/1", ImportKind.ALLOWANCE: "dibao-changes/1",
           ImportKind.INSURANCE: "insurance-enrolment/1"}
CAPABILITY = {ImportKind.CERTIFICATES: Capability.IMPORT_PEOPLE,
              ImportKind.GRANTS: Capability.APPROVE,
              ImportKind.SERVICES: Capability.IMPORT_PEOPLE,
              ImportKind.SURVEYS: Capability.IMPORT_PEOPLE,
              ImportKind.EDUCATION: Capability.IMPORT_PEOPLE,
              ImportKind.ALLOWANCE: Capability.IMPORT_PEOPLE,
              # a confirmation settles the premium roster the federation sent (as
              # programmes.actions.read_confirmation)
              ImportKind.INSURANCE: Capability.APPROVE}
# The premium-subsidy programme whose roster each insurance confirms, and the survey's answer.
PREMIUM_PROGRAMME = {"pension": "pension_premium", "medical": "medical_premium"}
SURVEY_FIELD = {"pension": "pension_insured", "medical": "medical_insured"}
SERVICE_GROUPS = [g.value for g in Group]


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    people: list[tuple[int, str]] = field(default_factory=list)
    # 低保 changes applied: (person id, previous type, new type, effective date)
    household_changes: list[tuple[int, str, str, dt.date]] = field(default_factory=list)


def _header_map(columns: tuple[Column, ...], header: list[Any]) -> dict[str, int]:
    lookup = {name.replace(" ", "").lower(): c.key
              for c in columns for name in (c.header, *c.aliases)}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = lookup.get(sheets.text(cell).replace(" ", "").lower())
        if key and key not in found:
            found[key] = index
    missing = [c.header for c in columns if c.required and c.key not in found]
    if missing:
        raise ImportFileError(gettext("The header lacks required columns: %(columns)s")
                              % {"columns": "、".join(missing)})
    return found


def read_rows(sheet: Any, columns: tuple[Column, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(Excel row number, {column key: text}) of each non-empty data row; the header is the
    first of the first few rows naming the required columns (``core.rowimport``)."""
    return rowimport.read_rows(sheet, lambda row: _header_map(columns, row), ImportFileError)


def _error(columns: tuple[Column, ...], row: int, key: str, reason: str,
           raw: dict[str, str]) -> dict[str, Any]:
    header = {c.key: c.header for c in columns}.get(key, key)
    kept = {k: text.printable(v)[:MAX_KEPT] for k, v in raw.items()}
    return {"row": row, "column": header, "reason": reason, "values": kept}


def _check_text(raw: dict[str, str]) -> tuple[str, str] | None:
    for key, value in raw.items():
        reason = text.check(value)
        if reason:
            return key, reason
    return None


# ---- reconciliation (核对表) --------------------------------------------------------------

def reconciliation(user: Any, kind: str) -> dict[str, dict[str, int]]:
    """{township code: {category digit or subsidy: count}} within the user's region: valid
    certificates today, or running (not stopped) grants."""
    today = clock.today()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if kind == ImportKind.CERTIFICATES:
        rows = (scoping.certificates_for(user).filter(validity.valid_q(today))
                .annotate(township=Substr("person__village", 1, 9))
                .values("township", "category").annotate(n=Count("id")))
        for r in rows:
            counts[r["township"]][str(r["category"])] = r["n"]
    elif kind == ImportKind.SURVEYS:
        rows = (AnnualSurvey.objects.filter(scoping.region_q(user, "village__code"))
                .annotate(township=Substr("village", 1, 9))
                .values("township", "year").annotate(n=Count("id")))
        for r in rows:
            counts[r["township"]][str(r["year"])] = r["n"]
    elif kind == ImportKind.EDUCATION:
        rows = (Pupil.objects.filter(scoping.region_q(user, "village__code"))
                .annotate(township=Substr("village", 1, 9))
                .values("township", "status").annotate(n=Count("id")))
        for r in rows:
            counts[r["township"]][r["status"]] = r["n"]
    elif kind == ImportKind.ALLOWANCE:
        rows = (scoping.people_for(user).filter(household_type__in=ALLOWANCE_TYPES)
                .annotate(township=Substr("village", 1, 9))
                .values("township", "household_type").annotate(n=Count("id")))
        for r in rows:
            counts[r["township"]][r["household_type"]] = r["n"]
    elif kind == ImportKind.INSURANCE:
        rows = (RosterLine.objects.filter(person__in=scoping.people_for(user), confirmed=True)
                .annotate(township=Substr("village", 1, 9))
                .values("township", "roster__programme").annotate(n=Count("id")))
        for r in rows:
            counts[r["township"]][r["roster__programme"]] = r["n"]
    elif kind == ImportKind.SERVICES:
        rows = (ServiceRecord.objects.filter(scoping.region_q(user, "village__code"))
                .annotate(township=Substr("village", 1, 9))
                .values("township", "service_type__group").annotate(n=Count("id")))
        for r in rows:
            counts[r["township"]][r["service_type__group"]] = r["n"]
    else:
        rows = (Grant.objects.filter(person__in=scoping.people_for(user))
                .exclude(status=GrantStatus.STOPPED)
                .annotate(township=Substr("person__village", 1, 9))
                .values("township", "subsidy").annotate(n=Count("id")))
        for r in rows:
            counts[r["township"]][r["subsidy"]] = r["n"]
    return dict(counts)


def _township_names(*counts: dict[str, dict[str, int]]) -> dict[str, str]:
    prefixes = {code for c in counts for code in c}
    return {r.code[:9]: r.name for r in Region.objects.filter(
        level="township", code__in=[p + "000" for p in prefixes])}


# ---- the imports ---------------------------------------------------------------------------

CHECK: dict[str, Callable[..., Any]] = {ImportKind.CERTIFICATES: holders.certificate,
                                        ImportKind.GRANTS: holders.grant,
                                        ImportKind.SERVICES: holders.service,
                                        ImportKind.SURVEYS: holders.survey,
                                        ImportKind.EDUCATION: holders.education,
                                        ImportKind.ALLOWANCE: holders.allowance,
                                        ImportKind.INSURANCE: holders.insurance}


def _key(checked: Any) -> tuple[str, ...]:
    """What makes two rows of one file the same record."""
    if isinstance(checked, holders.HeldCertificate):
        return (checked.resident_id, checked.number, str(checked.issue_date))
    if isinstance(checked, holders.SurveyRow):
        return (checked.resident_id, str(checked.year))
    if isinstance(checked, holders.InsuranceRow):
        return (checked.resident_id, checked.kind, str(checked.year))
    if isinstance(checked, (holders.EducationRow, holders.AllowanceRow)):
        return (checked.resident_id,)  # one change of a person per file
    if isinstance(checked, holders.ServiceRow):
        return (checked.resident_id, checked.service_type, str(checked.start_date),
                checked.institution, checked.device)
    return (checked.resident_id, checked.subsidy)

def run_import(user: Any, kind: str, stream: IO[bytes] | str, *, filename: str = "",
               request: Any = None, progress: Callable[[int, int], None] | None = None
               ) -> MigrationImport:
    """Import a certificates or grants workbook as ``user``: every row ends created,
    unchanged or rejected (grants may also be flagged). Raises ImportFileError when the file
    itself cannot be read; writes nothing then."""
    kind = ImportKind(kind)
    scoping.require(user, CAPABILITY[kind])
    try:
        roster.check_size(stream)
        sheet = sheets.load(stream)
    except (roster.RosterError, sheets.SheetError) as exc:
        raise ImportFileError(str(exc)) from None
    columns = COLUMNS[kind]
    last = (sheet.start[0] + sheet.height) if sheet.start else sheet.height
    outcome = Outcome()
    with transaction.atomic():
        before = reconciliation(user, kind)
        today = clock.today()
        seen: dict[tuple[str, ...], int] = {}

        def check(number: int, raw: dict[str, str]) -> tuple[int, dict[str, str], Any]:
            bad = _check_text(raw)
            if bad:
                raise rowimport.Rejected(_error(columns, number, bad[0], bad[1], raw))
            try:
                checked = CHECK[kind](raw, today=today)
            except holders.RowRefused as exc:
                raise rowimport.Rejected(_error(columns, number, exc.column, exc.reason,
                                                raw)) from None
            key = _key(checked)
            if key in seen:
                raise rowimport.Rejected(_error(
                    columns, number, "resident_id",
                    gettext("Same as row %(row)s") % {"row": seen[key]}, raw))
            seen[key] = number
            return number, raw, checked

        outcome.rows = rowimport.collect(
            read_rows(sheet, columns), check,
            lambda rows: _write(user, kind, rows, outcome, today), outcome.errors, chunk=CHUNK,
            progress=(lambda number: progress(number, last)) if progress else None)
        if kind in (ImportKind.SERVICES, ImportKind.SURVEYS) and outcome.created:
            served.rebuild()  # the surveys' "served" flags, set-based, once per file
            places.forget()  # the survey indicators are computed live until the night's run
        if kind == ImportKind.SURVEYS and outcome.created:
            served.rebuild_certificates()  # each survey's certificate at its date
        if kind in (ImportKind.EDUCATION, ImportKind.ALLOWANCE, ImportKind.INSURANCE) and outcome.created:
            places.forget()  # the batch changed facts the survey indicators read
        if kind == ImportKind.CERTIFICATES and outcome.created:
            accessibility.forget()  # the certificates held at a year's end (home needs)
        if outcome.household_changes:
            follow_household_changes(user, outcome.household_changes)
        outcome.errors.sort(key=lambda e: e["row"])
        after = reconciliation(user, kind)
        batch = MigrationImport.objects.create(
            kind=kind, user=user, region_code=getattr(user.region, "code", ""),
            filename=filename[:200], rows=outcome.rows, created=outcome.created,
            unchanged=outcome.unchanged, rejected=len(outcome.errors),
            flagged=len(outcome.flags), errors=outcome.errors, flags=outcome.flags,
            before=before, after=after, townships=_township_names(before, after))
        label = ImportKind(kind).label
        what = f"部门数据导入（{FORMATS[kind]}）" if kind in FORMATS else "迁移导入"
        record_many(user=user, action=Action.IMPORT, request=request,
                    summary=f"{what}：{label}", people=outcome.people)
        record(user=user, action=Action.IMPORT, object_type="migration", object_id=str(batch.pk),
               request=request,
               summary=(f"{what} {filename}：新增 {outcome.created}，未变 {outcome.unchanged}，"
                        f"拒绝 {batch.rejected}，待复核 {batch.flagged}"))
    if progress:
        progress(last, last)
    bulk.analyze({ImportKind.CERTIFICATES: Certificate, ImportKind.GRANTS: Grant,
                  ImportKind.SERVICES: ServiceRecord, ImportKind.SURVEYS: AnnualSurvey,
                  ImportKind.EDUCATION: StatusChange, ImportKind.ALLOWANCE: HouseholdTypeChange,
                  ImportKind.INSURANCE: RosterLine}[kind],
                 rows=outcome.created)
    return batch


def _persons(user: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    return {p["resident_id"]: p for p in scoping.people_for(user).filter(resident_id__in=ids)
            .values("id", "resident_id", "name", "village_id", "certificate_number", "household_id",
                    "birth_date", "death_date", "household_type", "category", "grade",
                    "household__monthly_income_per_capita")}


def _write(user: Any, kind: str, rows: list[tuple[int, dict[str, str], Any]],
           outcome: Outcome, today: dt.date) -> None:
    persons = _persons(user, [c.resident_id for _, _, c in rows])
    found = []
    for number, raw, checked in rows:
        person = persons.get(checked.resident_id)
        if person is None:
            outcome.errors.append(_error(
                COLUMNS[ImportKind(kind)], number, "resident_id",
                gettext("Not in the registry or outside your region: import the roster first"), raw))
            continue
        if raw.get("name") and raw["name"] != person["name"]:
            outcome.errors.append(_error(COLUMNS[ImportKind(kind)], number, "name",
                                         gettext("The name disagrees with the registry (%(name)s)")
                                         % {"name": person["name"]}, raw))
            continue
        found.append((number, raw, checked, person))
    if kind == ImportKind.CERTIFICATES:
        _write_certificates(found, outcome)
    elif kind == ImportKind.SERVICES:
        _write_services(user, found, outcome)
    elif kind == ImportKind.SURVEYS:
        _write_surveys(user, found, outcome)
    elif kind == ImportKind.EDUCATION:
        _write_education(user, found, outcome, today)
    elif kind == ImportKind.ALLOWANCE:
        _write_allowance(user, found, outcome)
    elif kind == ImportKind.INSURANCE:
        _write_insurance(found, outcome, today)
    else:
        _write_grants(user, found, outcome, today)


def _json(value: Any) -> Any:
    """A JSON value as ``bulk.create`` takes it: text for COPY, the value for bulk_create."""
    return json.dumps(value) if connection.vendor == "postgresql" else value


def _write_certificates(found: list[tuple[int, dict[str, str], Any, dict[str, Any]]],
                        outcome: Outcome) -> None:
    existing: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in Certificate.objects.filter(person_id__in=[p["id"] for *_, p in found]).values(
            "person_id", "number", "issue_date", "status"):
        existing[c["person_id"]].append(dict(c))
    counties = set(Region.objects.filter(level="county").values_list("code", flat=True))
    new: list[dict[str, Any]] = []
    current: dict[int, tuple[Any, dict[str, Any]]] = {}
    holding = {pid for pid, certs in existing.items()
               if any(c["status"] == "issued" for c in certs)}
    for number, raw, cert, person in found:
        held = existing[person["id"]]
        if any(c["number"] == cert.number and c["issue_date"] == cert.issue_date for c in held):
            outcome.unchanged += 1
            continue
        if cert.status == "issued" and person["id"] in holding:
            outcome.errors.append(_error(CERTIFICATE_COLUMNS, number, "number",
                                         gettext("The person already holds a valid certificate: "
                                                 "another valid one cannot be imported"), raw))
            continue
        if cert.status == "issued":
            holding.add(person["id"])
        county = person["village_id"][:6] + "000000"
        new.append({
            "person_id": person["id"], "number": cert.number, "category": cert.category,
            "grade": cert.grade, "components": _json(cert.components),
            "issue_date": cert.issue_date, "valid_until": cert.valid_until,
            "reissue_count": cert.reissue, "status": cert.status,
            "issued_by_id": county if county in counties else person["village_id"],
            "ended_on": cert.ended_on, "cancel_reason": "",
        })
        outcome.people.append((person["id"], person["village_id"]))
        if cert.status in ("issued", "expired"):
            latest = current.get(person["id"])
            if latest is None or latest[0].issue_date < cert.issue_date:
                current[person["id"]] = (cert, person)
    bulk.create(Certificate, new)
    outcome.created += len(new)
    # The person's read model (category, grade, number) follows the newest valid or expired
    # certificate, as certificates.actions keeps it for certificates issued here.
    people = []
    for pid, (cert, person) in current.items():
        if person["certificate_number"] and person["certificate_number"] != cert.number:
            continue  # a certificate issued in Canlian already stands
        people.append(Person(pk=pid, category=cert.category, grade=cert.grade,
                             **index_values(Person, certificate_number=cert.number)))
    Person.objects.bulk_update(people, ["category", "grade", "certificate_number",
                                        "certificate_number_index"], batch_size=1000)


def _certificates_of(person_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The newest certificate of each person (what ``facts.facts_from_row`` reads)."""
    latest: dict[int, dict[str, Any]] = {}
    for c in (Certificate.objects.filter(person_id__in=person_ids).order_by("issue_date", "id")
              .values("person_id", "status", "valid_until", "category", "grade", "ended_on")):
        latest[c["person_id"]] = dict(c)
    return latest


def _write_grants(user: Any, found: list[tuple[int, dict[str, str], Any, dict[str, Any]]],
                  outcome: Outcome, today: dt.date) -> None:
    running = {(g["person_id"], g["subsidy"]): g for g in Grant.objects.filter(
        person_id__in=[p["id"] for *_, p in found]).exclude(status=GrantStatus.STOPPED).values(
        "id", "person_id", "subsidy", "start_month")}
    certificates = _certificates_of([p["id"] for *_, p in found])
    ruleset = ruleset_for()
    new: list[dict[str, Any]] = []
    held: list[bool] = []
    for number, raw, grant, person in found:
        other = running.get((person["id"], grant.subsidy))
        if other is not None:
            if other["start_month"] == grant.start_month:
                outcome.unchanged += 1
            else:
                outcome.errors.append(_error(
                    GRANT_COLUMNS, number, "start_month",
                    f"此人已有该项补贴的发放资格（自 {other['start_month']:%Y-%m} 起） "
                    "(a running grant of this subsidy exists)", raw))
            continue
        declared = {"needs_long_term_care": grant.needs_long_term_care}
        cert = certificates.get(person["id"], {})
        facts = facts_from_row({
            "birth_date": person["birth_date"], "death_date": person["death_date"],
            "cert_status": cert.get("status"), "cert_valid_until": cert.get("valid_until"),
            "cert_ended_on": cert.get("ended_on"), "cert_category": cert.get("category"),
            "cert_grade": cert.get("grade"), "household_type": person["household_type"],
            "income": person["household__monthly_income_per_capita"], **declared}, today)
        decision = eligibility.decide(ruleset, grant.subsidy, facts, today)
        problems = [r.text_zh for r in decision.failed]
        if decision.eligible and decision.monthly_amount != grant.monthly_amount:
            problems.append(f"规则核定月标准为 {decision.monthly_amount} 元，原系统为 "
                            f"{grant.monthly_amount} 元")
        new.append({
            "person_id": person["id"], "subsidy": grant.subsidy,
            "start_month": grant.start_month, "first_payable_month": grant.first_payable_month,
            "status": (GrantStatus.SUSPENDED if problems else GrantStatus.ACTIVE).value,
            "bank_name": grant.bank_name, "bank_account": grant.bank_account,
            "needs_long_term_care": grant.needs_long_term_care, "hukou_in_region": True,
            "other_allowances": _json({}),
        })
        held.append(bool(problems))
        if problems:
            outcome.flags.append({"row": number, "resident_id": person["resident_id"],
                                  "name": person["name"], "subsidy": grant.subsidy,
                                  "reason": "；".join(problems)})
        outcome.people.append((person["id"], person["village_id"]))
    ids = bulk.create(Grant, new)
    outcome.created += len(new)
    actor = user.pk
    changes = [{"grant_id": gid, "action": "start", "month": row["start_month"],
                "reason": "迁移导入（原系统发放）", "actor_id": actor}
               for gid, row in zip(ids, new, strict=True)]
    review = "迁移导入待复核：规则核定与原系统不一致"
    flagged = [(gid, row) for gid, row, h in zip(ids, new, held, strict=True) if h]
    changes += [{"grant_id": gid, "action": "suspend", "month": row["first_payable_month"],
                 "reason": review, "actor_id": actor} for gid, row in flagged]
    bulk.create(GrantChange, changes)
    bulk.create(Suspension, [{"grant_id": gid, "from_month": row["first_payable_month"],
                              "back_pay": True, "reason": review} for gid, row in flagged])


def report_keys(batch: MigrationImport) -> list[str]:
    """The reconciliation report's columns: categories, subsidies, service groups, or the
    survey years the report holds."""
    if batch.kind == ImportKind.SURVEYS:
        return sorted({y for counts in (batch.before, batch.after) for c in counts.values()
                       for y in c})
    return {ImportKind.CERTIFICATES: ["1", "2", "3", "4", "5", "6", "7"],
            ImportKind.GRANTS: ["living", "nursing"],
            ImportKind.SERVICES: SERVICE_GROUPS,
            ImportKind.EDUCATION: list(education_rules.STATUSES),
            ImportKind.ALLOWANCE: list(ALLOWANCE_TYPES),
            ImportKind.INSURANCE: list(PREMIUM_PROGRAMME.values())}[ImportKind(batch.kind)]


def counts_table(batch: MigrationImport) -> list[dict[str, Any]]:
    """The reconciliation report's rows: one per township, before/after per key."""
    keys = report_keys(batch)
    rows = []
    for code in sorted(set(batch.before) | set(batch.after)):
        b, a = Counter(batch.before.get(code, {})), Counter(batch.after.get(code, {}))
        rows.append({"code": code, "name": batch.townships.get(code, code),
                     "cells": [(b[k], a[k]) for k in keys],
                     "total": (sum(b.values()), sum(a.values()))})
    return rows


# ---- the text-message delivery log (短信发送记录) ------------------------------------------

_DIGITS = re.compile(r"\d{4,}")
# Kannel's delivery-report codes (%d): 1 delivered, 2 not delivered, 4 queued at the
# gateway, 8 accepted by the SMSC, 16 rejected by the SMSC.
REPORT_STATES = {1: DeliveryState.DELIVERED, 2: DeliveryState.UNDELIVERED,
                 16: DeliveryState.UNDELIVERED}


def log_sms(reference: str, phone: str, text: str, *, sent: bool, attempts: int,
            status: int | None, answer: str) -> SmsDelivery:
    """Record one message handed (or not) to the gateway, phone and digits masked.

    Written in the caller's transaction: a sign-in whose message failed rolls back its code
    and this row with it, so failures are logged (``canlian.exchange.sms``) as well."""
    return SmsDelivery.objects.create(
        reference=reference, phone=mask_phone(phone), text=_DIGITS.sub("****", text)[:500],
        state=DeliveryState.SENT if sent else DeliveryState.FAILED, attempts=attempts,
        gateway_status=status, gateway_answer=answer.strip()[:200])


def record_report(reference: str, code: int) -> bool:
    """A delivery report from the gateway; False if the reference is unknown."""
    state = REPORT_STATES.get(code)
    changes: dict[str, Any] = {"report_code": code, "reported_at": clock.now()}
    if state is not None:
        changes["state"] = state
    return bool(SmsDelivery.objects.filter(reference=reference).exclude(
        state=DeliveryState.FAILED).update(**changes))


# ---- service records (服务记录) --------------------------------------------------------------

def _catalogue(model: Any, **filters: Any) -> dict[str, Any]:
    """A catalogue by code and by name (names that two entries share are left out)."""
    entries = list(model.objects.filter(**filters))
    names = Counter(e.name for e in entries)
    found = {e.name: e for e in entries if names[e.name] == 1}
    found.update({e.code: e for e in entries})
    return found


def _write_services(user: Any, found: list[tuple[int, dict[str, str], Any, dict[str, Any]]],
                    outcome: Outcome) -> None:
    """Service records delivered elsewhere (rehabilitation, devices, training, culture):
    checked as ``services.actions.record_service`` checks one, written with COPY, then the
    surveys' served flags rebuilt set-based (``surveys.served.rebuild``)."""
    types = _catalogue(ServiceType)
    devices = _catalogue(DeviceType)
    names = [row.institution for *_, row, _p in found if row.institution]
    institutions: dict[str, list[Any]] = defaultdict(list)
    for i in Institution.objects.filter(name__in=names).only("id", "name"):
        institutions[i.name].append(i)
    person_ids = [p["id"] for *_, p in found]
    existing: set[tuple[Any, ...]] = set(ServiceRecord.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "service_type_id", "start_date", "institution_id", "device_id"))
    new: list[dict[str, Any]] = []
    for number, raw, row, person in found:
        def refuse(key: str, reason: str, number: int = number, raw: dict[str, str] = raw) -> None:
            outcome.errors.append(_error(SERVICE_COLUMNS, number, key, reason, raw))

        kind = types.get(row.service_type)
        if kind is None:
            refuse("service_type", gettext("“%(name)s” is not in the service catalogue")
                   % {"name": row.service_type})
            continue
        device = devices.get(row.device) if row.device else None
        if row.device and device is None:
            refuse("device", gettext("“%(name)s” is not in the device catalogue") % {"name": row.device})
            continue
        if kind.group == Group.DEVICE and device is None:
            refuse("device", gettext("A device service names the device"))
            continue
        places = institutions.get(row.institution, []) if row.institution else [None]
        if len(places) != 1:
            refuse("institution", gettext("No single registered institution is named “%(name)s”")
                   % {"name": row.institution})
            continue
        institution = places[0]
        if person["death_date"] and row.start_date > person["death_date"]:
            refuse("start_date", gettext("After the person's death"))
            continue
        birth = person["birth_date"]
        age = row.start_date.year - birth.year - (
            (row.start_date.month, row.start_date.day) < (birth.month, birth.day))
        if kind.age_max is not None and age > kind.age_max:
            refuse("service_type", gettext("This service is for ages up to %(age)s") % {"age": kind.age_max})
            continue
        key = (person["id"], kind.pk, row.start_date, getattr(institution, "pk", None),
               getattr(device, "pk", None))
        if key in existing:
            outcome.unchanged += 1
            continue
        existing.add(key)
        new.append({"person_id": person["id"], "service_type_id": kind.pk,
                    "village_id": person["village_id"],
                    "institution_id": getattr(institution, "pk", None),
                    "provider": row.provider, "device_id": getattr(device, "pk", None),
                    "start_date": row.start_date, "end_date": row.end_date,
                    "outcome": row.outcome, "cost": row.cost, "subsidy": row.subsidy,
                    "recorded_by_id": user.pk})
        outcome.people.append((person["id"], person["village_id"]))
    bulk.create(ServiceRecord, new)
    outcome.created += len(new)


# ---- survey records (年度动态更新调查) -------------------------------------------------------

def _write_surveys(user: Any, found: list[tuple[int, dict[str, str], Any, dict[str, Any]]],
                   outcome: Outcome) -> None:
    """A village's surveys done on paper or in another tool: every answer checked with the
    survey form's own rules (``surveys.rules``, at the person's age on the survey date); a
    person's survey of a year that exists already is left as it is ("unchanged"), so a
    re-run creates nothing twice and never overwrites a survey staff have edited since."""
    existing = set(AnnualSurvey.objects.filter(
        person_id__in=[p["id"] for *_, p in found]).values_list("person_id", "year"))
    new = []
    for number, raw, row, person in found:
        if (person["id"], row.year) in existing:
            outcome.unchanged += 1
            continue
        if person["death_date"] and row.surveyed_on > person["death_date"]:
            outcome.errors.append(_error(SURVEY_COLUMNS, number, "surveyed_on",
                                         gettext("After the person's death"), raw))
            continue
        birth = person["birth_date"]
        age = row.surveyed_on.year - birth.year - (
            (row.surveyed_on.month, row.surveyed_on.day) < (birth.month, birth.day))
        problems = survey_rules.check(row.answers, survey_rules.Profile(
            age=age, category=person["category"], grade=person["grade"]))
        if problems:
            column = problems[0][0]
            outcome.errors.append(_error(SURVEY_COLUMNS, number, column,
                                         "；".join(str(m) for _, m in problems), raw))
            continue
        existing.add((person["id"], row.year))
        answers = {k: (_json(v) if isinstance(v, list) else v) for k, v in row.answers.items()}
        new.append({"person_id": person["id"], "year": row.year,
                    "village_id": person["village_id"], "birth_date": birth,
                    "household_type": person["household_type"] or "ordinary",
                    "surveyed_on": row.surveyed_on, "surveyor_id": user.pk, **answers})
        outcome.people.append((person["id"], person["village_id"]))
    bulk.create(AnnualSurvey, new)
    outcome.created += len(new)


# ---- other departments' batches (部门数据交换) ----------------------------------------------

def _write_education(user: Any, found: list[tuple[int, dict[str, str], Any, dict[str, Any]]],
                     outcome: Outcome, today: dt.date) -> None:
    """The education bureau's schooling status (学籍状况): each row checked with the
    register's rules at the person's age on its date (``education.rules.check``), then all
    written by ``education.actions.apply_entries`` (set-based), which keeps the history and
    opens an out-of-school case (控辍保学) for a child of compulsory age not in school."""
    pairs = []
    for number, raw, row, person in found:
        birth = person["birth_date"]
        problems = education_rules.check(row.entry, birth, today) if birth else []
        if problems:
            outcome.errors.append(_error(EDUCATION_COLUMNS, number, problems[0].field,
                                         "；".join(p.message for p in problems), raw))
            continue
        pairs.append((Person(pk=person["id"], village_id=person["village_id"]), row.entry))
        outcome.people.append((person["id"], person["village_id"]))
    if pairs:
        counts = education_actions.apply_entries(pairs, "education_batch", user)
        outcome.created += counts["new"] + counts["changed"]
        outcome.unchanged += counts["unchanged"]


def _write_allowance(user: Any, found: list[tuple[int, dict[str, str], Any, dict[str, Any]]],
                     outcome: Outcome) -> None:
    """Civil affairs' 低保 changes: the household's type (and income, when given) from the
    effective date, for every member of the household, with a dated record of each change
    (``HouseholdTypeChange``, written with COPY). A change already recorded is "unchanged";
    one dated before a change already recorded for the person is refused. The programmes
    and the living subsidy re-evaluate the members once the whole file is written
    (``follow_household_changes``)."""
    ids = [p["id"] for *_, p in found]
    history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for c in HouseholdTypeChange.objects.filter(person_id__in=ids).values(
            "person_id", "effective", "household_type"):
        history[c["person_id"]].append((c["effective"], c["household_type"]))
    households = {h.pk: h for h in Household.objects.filter(
        pk__in={p["household_id"] for *_, p in found if p["household_id"]})}
    changed: dict[int, tuple[str, str, dt.date, int]] = {}  # household → previous, new, day, row
    alone: list[tuple[Any, dict[str, Any]]] = []  # persons without a household yet
    now = timezone.now()
    for number, raw, row, person in found:
        def refuse(key: str, reason: str, number: int = number, raw: dict[str, str] = raw) -> None:
            outcome.errors.append(_error(ALLOWANCE_COLUMNS, number, key, reason, raw))

        known = history[person["id"]]
        if (row.effective, row.household_type) in known:
            outcome.unchanged += 1
            continue
        later = [day for day, _ in known if day > row.effective]
        if later:
            refuse("effective", gettext("A later change (from %(date)s) is already recorded")
                   % {"date": max(later)})
            continue
        hid = person["household_id"]
        household = households.get(hid) if hid else None
        current = household.household_type if household else "ordinary"
        if hid in changed:
            if changed[hid][1:3] != (row.household_type, row.effective):
                refuse("household_type", gettext(
                    "Row %(row)s changes this person's household otherwise") % {"row": changed[hid][3]})
            else:
                outcome.unchanged += 1  # another member's row made the same change
            continue
        if current == row.household_type:
            outcome.unchanged += 1
            continue
        outcome.created += 1
        if household is None:
            alone.append((row, person))
            continue
        changed[household.pk] = (current, row.household_type, row.effective, number)
        household.household_type = row.household_type
        if row.income is not None:
            household.monthly_income_per_capita = row.income
        household.updated_at = now
    Household.objects.bulk_update([households[h] for h in changed],
                                  ["household_type", "monthly_income_per_capita", "updated_at"],
                                  batch_size=1000)
    for new_type in {c[1] for c in changed.values()}:
        Person.objects.filter(household_id__in=[h for h, c in changed.items() if c[1] == new_type]
                              ).update(household_type=new_type)
    members = list(Person.objects.filter(household_id__in=list(changed)).values(
        "id", "household_id", "village_id"))
    # A person with no household gets their own, as ``people.actions.set_household_type`` does.
    own = {f"P{person['id']}": (row, person) for row, person in alone}
    Household.objects.bulk_create([Household(
        number=code, household_type=row.household_type, village_id=person["village_id"],
        monthly_income_per_capita=row.income) for code, (row, person) in own.items()],
        ignore_conflicts=True)
    made = dict(Household.objects.filter(number__in=list(own)).values_list("number", "id"))
    Household.objects.filter(pk__in=list(made.values())).update(updated_at=now)
    people = []
    for code, (row, person) in own.items():
        people.append(Person(pk=person["id"], household_id=made[code],
                             household_type=row.household_type))
        changed[made[code]] = ("ordinary", row.household_type, row.effective, 0)
        members.append({"id": person["id"], "household_id": made[code],
                        "village_id": person["village_id"]})
    Person.objects.bulk_update(people, ["household_id", "household_type"], batch_size=1000)
    records = []
    for member in members:
        previous, new_type, day, _ = changed[member["household_id"]]
        records.append({"person_id": member["id"], "previous": previous,
                        "household_type": new_type, "effective": day,
                        "recorded_by_id": user.pk})
        outcome.household_changes.append((member["id"], previous, new_type, day))
        outcome.people.append((member["id"], member["village_id"]))
    bulk.create(HouseholdTypeChange, records)


def follow_household_changes(user: Any, changes: list[tuple[int, str, str, dt.date]]) -> dict[str, int]:
    """What a dated household-type change decides, from its date: the programmes re-evaluate
    the members (``programmes.actions.reevaluate`` on the effective date: an application no
    longer allowed ends that day, a newly eligible member gets an offer), and a running
    living subsidy (困难残疾人生活补贴) the rules no longer allow on that date stops after its
    month, so the roll recovers what was paid after it. Set-based per date; the grants are
    few and each stop is its own audited action (``benefits.actions.stop_grant``).

    This is what the ``HouseholdTypeChanged`` subscribers do for one person, done once for
    the whole file and dated by the department rather than today."""
    groups: dict[tuple[dt.date, str, str], list[int]] = defaultdict(list)
    for pid, previous, new_type, day in changes:
        groups[(day, previous, new_type)].append(pid)
    ended = offered = stopped = 0
    for (day, previous, new_type), ids in sorted(groups.items()):
        source = (f"民政低保变更（{day} 起）：家庭类型由{HOUSEHOLD_ZH.get(previous, previous)}"
                  f"变为{HOUSEHOLD_ZH.get(new_type, new_type)}")
        result = programme_actions.reevaluate(ids, source=source, on=day)
        ended += result["ended"]
        offered += result["offered"]
    if not has_ruleset():
        return {"ended": ended, "offered": offered, "stopped": 0}
    days = {pid: day for pid, _, _, day in changes}
    for grant in (Grant.objects.filter(person_id__in=list(days), subsidy="living")
                  .exclude(status=GrantStatus.STOPPED).select_related("person__household")):
        day = days[grant.person_id]
        decision = benefits_actions.evaluate(grant.person, "living", grant, day)
        if decision.eligible:
            continue
        why = "；".join(r.text_zh for r in decision.failed)[:120] or "不再符合条件"
        if benefits_actions.stop_grant(grant, day, f"民政低保变更（{day} 起）：{why}", user=user):
            stopped += 1
            open_todo(grant.person, kind="grant_stopped", days=5,
                      title=f"民政低保变更（{day} 起）后不再符合困难残疾人生活补贴条件，"
                            f"已自 {holders.next_month(day):%Y-%m} 起停发，请核对是否有多发需追回")
    return {"ended": ended, "offered": offered, "stopped": stopped}


def _write_insurance(found: list[tuple[int, dict[str, str], Any, dict[str, Any]]],
                     outcome: Outcome, today: dt.date) -> None:
    """人社's (pension) and 医保's (medical) enrolment confirmations: read back into the
    year's premium-subsidy roster (``programmes.RosterLine.confirmed``, as
    ``programmes.actions.read_confirmation`` does for one roster) and into the year's survey
    (参加养老/医疗保险). A row whose person is on neither is refused: there is nothing to
    confirm. Already so: "unchanged"."""
    ids = [p["id"] for *_, p in found]
    lines = {(ln.person_id, ln.roster.programme, ln.roster.year): ln for ln in
             RosterLine.objects.filter(person_id__in=ids,
                                       roster__programme__in=list(PREMIUM_PROGRAMME.values()))
             .select_related("roster")}
    surveys = {(s.person_id, s.year): s for s in AnnualSurvey.objects.filter(
        person_id__in=ids).only("id", "person_id", "year", "pension_insured", "medical_insured")}
    changed_lines: dict[int, Any] = {}
    changed_surveys: dict[int, Any] = {}
    for number, raw, row, person in found:
        line = lines.get((person["id"], PREMIUM_PROGRAMME[row.kind], row.year))
        survey = surveys.get((person["id"], row.year))
        if line is None and survey is None:
            outcome.errors.append(_error(INSURANCE_COLUMNS, number, "year", gettext(
                "Not on the %(year)s premium-subsidy roster and no survey of that year: "
                "nothing to confirm") % {"year": row.year}, raw))
            continue
        answer = "；".join(x for x in (
            raw.get("result", "").strip(),
            f"参保日期 {row.enrolled_on}" if row.enrolled_on else "", row.note) if x)[:200]
        changed = False
        if line is not None and (line.confirmed, line.answer) != (row.enrolled, answer):
            line.confirmed, line.answer = row.enrolled, answer
            changed_lines[line.pk] = line
            changed = True
        if survey is not None and getattr(survey, SURVEY_FIELD[row.kind]) != row.enrolled:
            setattr(survey, SURVEY_FIELD[row.kind], row.enrolled)
            changed_surveys[survey.pk] = survey
            changed = True
        if changed:
            outcome.created += 1
            outcome.people.append((person["id"], person["village_id"]))
        else:
            outcome.unchanged += 1
    RosterLine.objects.bulk_update(list(changed_lines.values()), ["confirmed", "answer"],
                                   batch_size=1000)
    Roster.objects.filter(pk__in={ln.roster_id for ln in changed_lines.values()}).update(
        confirmed_on=today)
    AnnualSurvey.objects.bulk_update(list(changed_surveys.values()),
                                     ["pension_insured", "medical_insured"], batch_size=1000)
