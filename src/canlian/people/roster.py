"""Excel roster import (花名册导入): read a workbook, report every rejected row.

The workbook is read with python-calamine (``canlian.core.sheets``), which parses a
100,000-row roster in seconds. Rows are validated one by one (a rejected row
gets its row number, column and reason), then written set-based: per chunk, one query
for the existing persons of the chunk and ``bulk_update`` for changed ones; the new
persons of the whole file at the end, in one COPY (``core.bulk``). The whole file is one
transaction, so a crash leaves nothing half-imported, and the person key is the resident
ID, so re-importing the same file creates nothing and reports every row as unchanged.

Two imports that update the same persons used to deadlock (each locked its rows chunk by
chunk, in file order, and waited for the other's), and the loser got a 500 after half a
minute. On PostgreSQL an import now locks every existing household and person its file
names before writing anything, in one statement each, ordered by id: the second of two
overlapping imports waits for the first instead. Any deadlock or serialization failure
left (another kind of writer) rolls the import back whole with a message to run it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action, AuditEvent
from canlian.core import bulk, clock, rowimport, sheets, text
from canlian.core.encrypted import derived_fields, index_of
from canlian.core.sheets import text as _text
from canlian.events import bus
from canlian.regions.models import Region

from . import ethnicity, idnumber
from .actions import announce_death, duplicate_message
from .events import ResidenceChanged
from .models import Household, HouseholdType, LifeStatus, Person

CHUNK = 2000


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header of our template
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("name",), required=True),
    Column("resident_id", "公民身份号码", ("身份证号", "身份证号码", "resident_id"), required=True),
    Column("ethnicity", "民族", ("ethnicity",)),
    Column("phone", "联系电话", ("电话", "phone")),
    Column("address", "住址", ("地址", "address")),
    Column("village_code", "村（社区）代码", ("村社区代码", "区划代码", "village_code")),
    Column("township_name", "镇（街道）", ("镇街", "镇(街道)", "township")),
    Column("village_name", "村（社区）", ("村社区", "村(社区)", "village")),
    Column("household_number", "户编号", ("户号", "household_number")),
    Column("household_type", "户类型", ("household_type",)),
    Column("guardian_name", "监护人姓名", ("guardian_name",)),
    Column("guardian_resident_id", "监护人身份证号", ("guardian_resident_id",)),
    Column("guardian_phone", "监护人电话", ("guardian_phone",)),
    Column("guardian_relation", "与监护人关系", ("guardian_relation",)),
    Column("death_date", "死亡日期", ("death_date",)),
)
HEADER_OF = {c.key: c.header for c in COLUMNS}

HOUSEHOLD_TYPES = {
    "": HouseholdType.ORDINARY, "普通": HouseholdType.ORDINARY, "一般": HouseholdType.ORDINARY,
    "低保": HouseholdType.DIBAO, "低保户": HouseholdType.DIBAO,
    "低保边缘": HouseholdType.DIBAO_EDGE, "低边": HouseholdType.DIBAO_EDGE,
    "特困": HouseholdType.TEKUN, "特困供养": HouseholdType.TEKUN,
    **{t.value: t for t in HouseholdType},
}

PERSON_FIELDS = (
    "name", "ethnicity", "phone", "address", "village_id", "household_id",
    "guardian_name", "guardian_resident_id", "guardian_phone", "guardian_relation",
    "life_status", "death_date", "household_type",
)
# What the dated figures read of a person's residence (``people.events.ResidenceChanged``).
RESIDENCE_FIELDS = ("village_id", "household_id", "death_date")


class RosterError(ValueError):
    """The file as a whole cannot be read (not a workbook, no header, missing column)."""


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    values: dict[str, str]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    # Audited once, at the end of the import: an audit write holds the chain's lock until
    # the import commits, which must not be from its first chunk on (audit/actions.py).
    created_people: list[tuple[int, str]] = field(default_factory=list, repr=False)
    changed_people: list[tuple[int, str]] = field(default_factory=list, repr=False)
    last_row: int = 0  # the sheet's last row number (for progress: row n of last_row)

    @property
    def rejected(self) -> int:
        return len(self.errors)


@dataclass
class _Row:
    number: int
    resident_id: str
    values: dict[str, Any]
    raw: dict[str, str]


def _header_map(header: list[Any]) -> dict[str, int]:
    lookup: dict[str, str] = {}
    for c in COLUMNS:
        for name in (c.header, *c.aliases):
            lookup[name.replace(" ", "").lower()] = c.key
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = lookup.get(_text(cell).replace(" ", "").lower())
        if key and key not in found:
            found[key] = index
    missing = [HEADER_OF[c.key] for c in COLUMNS if c.required and c.key not in found]
    if missing:
        raise RosterError(gettext("Missing columns: %(columns)s") % {"columns": "、".join(missing)})
    if "village_code" not in found and "village_name" not in found:
        raise RosterError(gettext("Need a village column"))
    return found


HEADER_SEARCH = rowimport.HEADER_SEARCH


def read_rows(stream: IO[bytes] | str | Any) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (Excel row number, {column key: text}) for each non-empty data row of a
    workbook (a file, a path or a sheet from ``sheets.load``); the header search is
    ``core.rowimport``'s."""
    return rowimport.read_rows(stream, _header_map, RosterError)


MAX_KEPT = 200  # characters of a rejected cell kept for the error workbook


class _Validator:
    """Turns a raw row into values for a Person, or a RowError. Preloads villages once."""

    def __init__(self, user: Any) -> None:
        scope = user.region
        villages = Region.objects.filter(level="village").select_related("parent")
        if scope is not None and scope.level != "village":
            villages = villages.filter(scoping.within(scope, "code"))
        elif scope is not None:
            villages = villages.filter(code=scope.code)
        self.by_code = {v.code: v for v in villages}
        self.by_name = {(v.parent.name if v.parent else "", v.name): v for v in villages}
        self.seen: dict[str, int] = {}
        self.today = clock.today()

    def __call__(self, number: int, raw: dict[str, str]) -> _Row | RowError:
        def fail(key: str, reason: str) -> RowError:
            # Kept for the error workbook: scrubbed and cut, so a hostile cell stays small.
            kept = {k: text.printable(v)[:MAX_KEPT] for k, v in raw.items()}
            return RowError(number, HEADER_OF[key], reason, kept)

        for c in COLUMNS:
            if c.required and not raw.get(c.key):
                return fail(c.key, gettext("Required"))
        for key, value in raw.items():
            reason = text.check(value)
            if reason:
                return fail(key, reason)
        try:
            parsed = idnumber.validate(raw["resident_id"], today=self.today)
        except idnumber.ResidentIdError as exc:
            return fail("resident_id", exc.message)
        rid = parsed.number
        if rid in self.seen:
            return fail("resident_id", gettext("Same ID as row %(row)s") % {"row": self.seen[rid]})
        name = raw["name"]
        if len(name) > 50:
            return fail("name", gettext("Name longer than 50 characters"))
        eth = ethnicity.lookup(raw.get("ethnicity", "")) if raw.get("ethnicity") else "01"
        if eth is None:
            return fail("ethnicity", gettext("Unknown ethnicity: %(value)s") % {"value": raw["ethnicity"]})
        village = None
        if raw.get("village_code"):
            village = self.by_code.get(raw["village_code"])
            if village is None:
                return fail("village_code",
                            (gettext("Unknown village code %(code)s, or outside your region")
                             % {"code": raw["village_code"]}))
        else:
            village = self.by_name.get((raw.get("township_name", ""), raw.get("village_name", "")))
            if village is None:
                return fail("village_name", gettext("Village not found in that township, or outside your "
                                                    "region"))
        htype = HOUSEHOLD_TYPES.get(raw.get("household_type", ""))
        if htype is None:
            return fail("household_type", gettext("The household type must be 普通, 低保, 低保边缘 or 特困"))
        guardian_id = ""
        if raw.get("guardian_resident_id"):
            try:
                guardian_id = idnumber.validate(raw["guardian_resident_id"]).number
            except idnumber.ResidentIdError as exc:
                return fail("guardian_resident_id", exc.message)
            if guardian_id == rid:
                return fail("guardian_resident_id", gettext("Own guardian"))
            if not raw.get("guardian_name"):
                return fail("guardian_name", gettext("Required with guardian ID"))
        death = None
        if raw.get("death_date"):
            try:
                death = dt.date.fromisoformat(raw["death_date"].replace("/", "-")[:10])
            except ValueError:
                return fail("death_date", gettext("Date must be YYYY-MM-DD"))
            if death > self.today or death < parsed.birth_date:
                return fail("death_date", gettext("Date of death out of range"))
        self.seen[rid] = number
        return _Row(
            number=number,
            resident_id=rid,
            raw=raw,
            values={
                "name": name, "ethnicity": eth, "phone": raw.get("phone", "")[:20],
                "address": raw.get("address", "")[:200], "village_id": village.code,
                "household_number": raw.get("household_number", ""), "household_type": htype,
                "guardian_name": raw.get("guardian_name", "") if guardian_id else "",
                "guardian_resident_id": guardian_id,
                "guardian_phone": raw.get("guardian_phone", "")[:20] if guardian_id else "",
                "guardian_relation": raw.get("guardian_relation", "")[:20] if guardian_id else "",
                "life_status": LifeStatus.DECEASED if death else LifeStatus.ALIVE,
                "death_date": death, "birth_date": parsed.birth_date, "sex": parsed.sex,
            },
        )


def _households(rows: list[_Row], known: dict[str, tuple[int, str]], lookup: bool
                ) -> dict[str, int]:
    """The household id of every household number in the chunk, creating the new ones and
    correcting the type of those whose type the roster changes. ``known``: number -> (id,
    type) of the file's households so far, kept current here (the members created at the
    end take the type from it); ``lookup``: whether a number not in it may exist already
    (SQLite; on PostgreSQL ``_lock_existing`` read them all)."""
    wanted = {r.values["household_number"]: r for r in rows if r.values["household_number"]}
    if not wanted:
        return {}
    unknown = [n for n in wanted if n not in known]
    if lookup and unknown:
        known.update((h.number, (h.id, h.household_type)) for h in Household.objects.filter(
            number__in=unknown).only("id", "number", "household_type"))
    existing = [Household(id=known[n][0], number=n, household_type=known[n][1])
                for n in wanted if n in known]
    ids = {h.number: h.id for h in existing}
    missing = [n for n in wanted if n not in ids]
    made = bulk.create(Household, [
        {"number": n, "household_type": wanted[n].values["household_type"],
         "village_id": wanted[n].values["village_id"]} for n in missing])
    ids.update(zip(missing, made, strict=True))
    for number, hid in ids.items():
        known[number] = (hid, wanted[number].values["household_type"])
    stale = []
    for h in existing:
        if h.household_type != wanted[h.number].values["household_type"]:
            h.household_type = wanted[h.number].values["household_type"]
            stale.append(h)
    if stale:
        Household.objects.bulk_update(stale, ["household_type"])
        for htype in {h.household_type for h in stale}:  # the members' read model
            Person.objects.filter(household_id__in=[h.id for h in stale
                                                    if h.household_type == htype]
                                  ).update(household_type=htype)
    return ids


@dataclass
class _Writer:
    """Writes a file's valid rows: chunk by chunk the households and the registered
    persons (updates, deaths, moves), and at the end every new person in one COPY
    (``create``), which the server indexes while the rows are still being sealed."""

    user: Any
    result: ImportResult
    registered: set[str] | None  # ``_lock_existing``'s, or None to look every row up
    households: dict[str, tuple[int, str]]  # ``_households``' ``known``
    lookup: bool  # whether a household not in it may exist already
    new: list[dict[str, Any]] = field(default_factory=list)

    def chunk(self, rows: list[_Row]) -> None:
        user, result, registered = self.user, self.result, self.registered
        households = _households(rows, self.households, self.lookup)
        wanted = [r.resident_id for r in rows if registered is None or r.resident_id in registered]
        existing = {
            p.resident_id: p
            for p in Person.objects.filter(resident_id__in=wanted).select_related("village__parent")
        } if wanted else {}
        changed: list[Person] = []
        died: list[Person] = []
        resided: list[Person] = []  # moved, or a recorded date of death corrected
        for row in rows:
            values = dict(row.values)
            values["household_id"] = households.get(values.pop("household_number"))
            if values["household_id"] is None:
                values["household_type"] = ""
            person = existing.get(row.resident_id)
            if person is None:
                self.new.append({"resident_id": row.resident_id, **values})
                continue
            if not scoping.in_scope(user, person.village_id):
                result.errors.append(RowError(row.number, HEADER_OF["resident_id"],
                                              duplicate_message(person, user), row.raw))
                continue
            if all(getattr(person, f) == values[f] for f in PERSON_FIELDS):
                result.unchanged += 1
                continue
            if (person.life_status == LifeStatus.ALIVE
                    and values["life_status"] == LifeStatus.DECEASED):
                died.append(person)
            elif any(getattr(person, f) != values[f] for f in RESIDENCE_FIELDS):
                resided.append(person)
            for f in PERSON_FIELDS:
                setattr(person, f, values[f])
            changed.append(person)
        if changed:
            now = clock.now()
            derived = derived_fields(Person, PERSON_FIELDS)  # blind indexes of phones and IDs
            for p in changed:
                p.updated_at = now
                for d in derived:
                    setattr(p, d.attname, d.derive(getattr(p, d.source)))
            Person.objects.bulk_update(changed, [*PERSON_FIELDS, "updated_at",
                                                 *(d.attname for d in derived)], batch_size=1000)
            result.changed_people += [(p.id, p.village_id) for p in changed]
            result.updated += len(changed)
        for person in died:  # deaths are few; each stops certificates, payments and services
            announce_death(person, user)
        if resided:  # one event for the chunk: its readers follow the persons set-based
            bus.publish(ResidenceChanged(None, person_ids=tuple(p.pk for p in resided),
                                         since=None, actor_id=getattr(user, "pk", None)))

    def create(self) -> None:
        """The new persons, with the type their household has at the end of the file (a
        later row may have changed it)."""
        if not self.new:
            return
        types = dict(self.households.values())  # household id -> its type at the end
        for values in self.new:
            if values["household_id"] is not None:
                values["household_type"] = types[values["household_id"]]
        ids = bulk.create(Person, self.new)
        self.result.created_people += [(pid, v["village_id"])
                                       for pid, v in zip(ids, self.new, strict=True)]
        self.result.created += len(self.new)
        self.new = []


def import_persons(
    user: Any,
    stream: IO[bytes] | str,
    *,
    filename: str = "",
    request: Any = None,
    progress: Callable[[int, ImportResult], None] | None = None,
) -> ImportResult:
    """Import a roster workbook as ``user``; every row ends created, updated, unchanged
    or in ``result.errors``. Raises RosterError if the file itself cannot be read."""
    scoping.require(user, Capability.IMPORT_PEOPLE)
    try:
        result = _import(user, stream, filename=filename, request=request, progress=progress)
    except IntegrityError:
        raise RosterError(gettext("A concurrent import wrote the same persons; this one was rolled back "
                                  "whole: run it again")) from None
    except OperationalError as exc:
        if not _conflict(exc):
            raise
        raise RosterError(gettext("This import collided with another change to the same persons and was "
                                  "rolled back whole: run it again")) from None
    bulk.analyze(Person, Household, AuditEvent, rows=result.created + result.updated)
    return result


def _conflict(exc: OperationalError) -> bool:
    """A deadlock or serialization failure: the transaction lost a race and can be re-run."""
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in ("40P01", "40001")


def _lock_existing(rows: list[tuple[int, dict[str, str]]]
                   ) -> tuple[set[str] | None, dict[str, tuple[int, str]] | None]:
    """Lock the file's existing households, then its existing persons and the members of
    those households, each in id order (PostgreSQL; SQLite lets one writer in at a time).
    Every import takes its locks in that one order, so two cannot wait for each other.

    Returns the file's resident IDs (normalised) that are registered already, so that the
    chunks look up only those (a roster of new persons looks up none), and the file's
    existing households (number -> id, type); (None, None) on SQLite."""
    if connection.vendor != "postgresql":
        return None, None
    ids: dict[str, str] = {}  # blind index -> ID: the IDs are encrypted, found by the index
    households: set[str] = set()
    for _, raw in rows:
        if raw.get("resident_id"):
            number = idnumber.normalise(raw["resident_id"])
            ids[index_of(Person, "resident_id", number)] = number
        if raw.get("household_number"):
            households.add(raw["household_number"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, number, household_type FROM people_household "
                       "WHERE number = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                       [sorted(households)])
        known = {number: (hid, htype) for hid, number, htype in cursor.fetchall()}
        cursor.execute("SELECT resident_id_index FROM people_person "
                       "WHERE resident_id_index = ANY(%s) OR household_id = ANY(%s) "
                       "ORDER BY id FOR NO KEY UPDATE",
                       [sorted(ids), sorted(hid for hid, _ in known.values())])
        return {ids[index] for (index,) in cursor.fetchall() if index in ids}, known


def check_size(stream: IO[bytes] | str) -> None:
    """Refuse a roster over the unpacked-size or row caps before anything parses it (the
    upload page calls it too, so the user hears at once rather than from a failed job)."""
    try:
        sheets.check_size(stream, max_bytes=settings.CANLIAN_MAX_ROSTER_UNCOMPRESSED,
                          max_rows=settings.CANLIAN_MAX_ROSTER_ROWS)
    except sheets.SheetError as exc:
        raise RosterError(str(exc)) from None
    finally:
        if hasattr(stream, "seek"):
            stream.seek(0)


def _import(user: Any, stream: IO[bytes] | str, *, filename: str, request: Any,
            progress: Callable[[int, ImportResult], None] | None) -> ImportResult:
    check_size(stream)
    validate = _Validator(user)
    result = ImportResult()
    try:
        sheet = sheets.load(stream)
    except sheets.SheetError as exc:
        raise RosterError(str(exc)) from None
    result.last_row = sheet.start[0] + sheet.height if sheet.start else sheet.height
    # Read once (the locks need every row's ID before the first is written; turning cells
    # into text was 0.7 s of every 10,000 rows each time). The cap keeps this list bounded.
    rows = list(read_rows(sheet))
    del sheet

    def check(number: int, raw: dict[str, str]) -> _Row:
        result.rows += 1
        outcome = validate(number, raw)
        if isinstance(outcome, RowError):
            raise rowimport.Rejected(outcome)
        return outcome

    with transaction.atomic():
        registered, households = _lock_existing(rows)
        writer = _Writer(user, result, registered, households or {}, households is None)
        rowimport.collect(rows, check, writer.chunk, result.errors, chunk=CHUNK,
                          progress=(lambda number: progress(number, result)) if progress else None)
        writer.create()
        if progress:
            progress(result.rows + 1, result)
        result.errors.sort(key=lambda e: e.row)
        record_many(user=user, action=Action.IMPORT, request=request, summary="花名册导入：新增",
                    people=result.created_people)
        record_many(user=user, action=Action.IMPORT, request=request, summary="花名册导入：更新",
                    people=result.changed_people)
        record(user=user, action=Action.IMPORT, object_type="roster", object_id=filename[:40],
               request=request,
               summary=(f"花名册 {filename}：新增 {result.created}，更新 {result.updated}，"
                        f"未变 {result.unchanged}，拒绝 {result.rejected}"))
    return result
