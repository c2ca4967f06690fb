"""Programmes as data (“1+X” 项目规则): the strict rule-file schema and the pure eligibility rules.

Why this module exists: every "X" a certificate opens (children's rehabilitation
assistance, premium subsidies, care subsidy, student aid, concessions …) differs only in
*data* — who may apply, the conditions, the benefit, the decision chain and how it is
settled. Writing each as an app would repeat the two subsidies' code a dozen times, so a
programme is a versioned, region-scoped block of ``data/<deployment>.yaml`` read here, and
decided here over a person's :class:`Facts` on a date. No Django, no models: the engine's
``facts.py`` builds ``Facts`` from the database, ``actions.py`` writes.

A rule file::

    schema: 1
    deployment: yueqing
    region_code: "330382"
    sources: [国发〔2018〕20号, ...]
    programmes:
      child_rehab:                     # stable code
        - effective_from: 2024-01-01   # one block per version
          name_zh: 残疾儿童康复救助
          name_en: Rehabilitation assistance for disabled children
          basis: 国发〔2018〕20号
          applicants: [guardian]       # person | guardian | employer | institution
          channels: [portal, staff, offer]   # offer: opened automatically ("您可能可以申请…")
          eligibility:                 # every rule must pass; each explained in words
            - {rule: certificate_valid}
            - {rule: age, max: 6}
          benefit: {kind: institution_bill, amount: "24000.00", demo: true}
          quota: {yearly_persons: 300, yearly_budget: "7200000.00"}
          decision: {review: township_staff, approve: federation_staff, days: 15}
          settlement: {kind: institution, designation: rehabilitation}

Errors name the file, the entry (``programmes.child_rehab[0] (2024-01-01)``) and the field
(``eligibility.1.max``), in Chinese and English; unknown keys are errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from canlian.benefits import eligibility as subsidy_eligibility
from canlian.core import rulefile
from canlian.core.rule_text import RuleError, gettext_noop

SCHEMA_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
FEN = Decimal("0.01")

CATEGORY_ZH = {1: "视力", 2: "听力", 3: "言语", 4: "肢体", 5: "智力", 6: "精神", 7: "多重"}
GRADE_ZH = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
HOUSEHOLD_ZH = {"ordinary": "普通家庭", "dibao": "低保家庭", "dibao_edge": "低保边缘家庭",
                "tekun": "特困供养人员"}
MODE_ZH = {"residential": "集中托养", "day": "日间照料", "home": "居家托养",
           "respite": "喘息服务", "temporary": "临时托养"}
SCHOOL_ZH = {"preschool": "学前教育", "compulsory": "义务教育", "upper_secondary": "高中阶段",
             "higher": "高等教育"}
BENEFIT_ZH = {"monthly_cash": "按月发放现金", "yearly_cash": "按年发放现金",
              "one_off": "一次性补助", "premium": "代缴保险费",
              "in_kind": "实物或服务（年度限额）", "institution_bill": "机构结算（年度限额）",
              "concession": "优惠或减免"}


class ProgrammeFileError(rulefile.RuleFileError):
    """A programme file that cannot be used, naming the file, the entry
    (``programmes.child_rehab[0] (2024-01-01)``) and the field (``eligibility.1.max``);
    read by the shared reader (``core.rulefile``)."""

    def __init__(self, file: str, entry: str, field_name: str, zh: str, en: str) -> None:
        super().__init__(file, entry, zh, en)
        self.entry, self.field = entry, field_name
        # One language per page (the simulation form shows one of these); both for logs.
        self.zh_message = f"项目规则文件 {file}，条目 {entry}，字段 {field_name}：{zh}"
        self.en_message = f"{file}: entry {entry}, field {field_name}: {en}"
        self.message = f"{self.zh_message} ({self.en_message})"
        self.args = (self.message,)

    @classmethod
    def at(cls, file: str, loc: list[Any], zh: str, en: str, data: Any,
           key: str | None = None) -> ProgrammeFileError:
        """The entry and field of pydantic's location ``loc`` (``key``: the missing or
        unknown key of the mapping there, named as part of the field)."""
        where = (*loc, key) if key else tuple(loc)
        entry, field_name = _entry_of(where, data if isinstance(data, Mapping) else {})
        return cls(file, entry, field_name, zh, en)

    def in_language(self, language: str) -> str:
        """The message in ``language`` (a language code such as ``zh-hans`` or ``en``)."""
        return self.zh_message if language.startswith("zh") else self.en_message


RuleFileError = ProgrammeFileError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Money = Annotated[Decimal, Field(ge=0, decimal_places=2)]


# ---- eligibility rules ----------------------------------------------------------------------

class CertificateValid(_Strict):
    rule: Literal["certificate_valid"]


class Categories(_Strict):
    rule: Literal["categories"]
    any_of: list[Annotated[int, Field(ge=1, le=7)]] = Field(min_length=1)
    autism: bool = False  # also admit 孤独症 recorded on the certificate (mental or intellectual)


class Grades(_Strict):
    rule: Literal["grades"]
    any_of: list[Annotated[int, Field(ge=1, le=4)]] = Field(min_length=1)


class Age(_Strict):
    rule: Literal["age"]
    min: Annotated[int, Field(ge=0, le=120)] = 0
    max: Annotated[int, Field(ge=0, le=120)] = 120

    @model_validator(mode="after")
    def _order(self) -> Age:
        if self.min > self.max:
            raise rulefile.refuse("min 大于 max", "min is above max")
        return self


class Households(_Strict):
    rule: Literal["household"]
    any_of: list[Literal["ordinary", "dibao", "dibao_edge", "tekun"]] = Field(min_length=1)


class IncomeBelow(_Strict):
    rule: Literal["income_below"]
    monthly_per_capita: Money


class Insurance(_Strict):
    rule: Literal["insurance"]
    scheme: Literal["pension", "medical"]


class School(_Strict):
    rule: Literal["school"]
    any_of: list[Literal["preschool", "compulsory", "upper_secondary", "higher"]] = Field(
        min_length=1)


class CarePlacement(_Strict):
    rule: Literal["care_placement"]
    modes: list[Literal["residential", "day", "home", "respite", "temporary"]] = Field(
        min_length=1)
    government_paid: bool = False


class Employment(_Strict):
    rule: Literal["employment"]
    any_of: list[Literal["self_employed", "flexible", "employed", "unemployed"]] = Field(
        min_length=1)


class Subsidy(_Strict):
    """Passes when the person qualifies for one of the two national subsidies (两项补贴)
    as the subsidy rule set decides it (``benefits/data/<deployment>.yaml`` through
    ``benefits.eligibility.decide``, from the registry's facts the way the gap list reads
    them): one definition of "hardship" or "severe" for the subsidy pages, the gap list
    and the programmes that build on them."""

    rule: Literal["subsidy"]
    of: Literal["living", "nursing"]


Simple = Annotated[CertificateValid | Categories | Grades | Age | Households | IncomeBelow
                   | Insurance | School | CarePlacement | Employment | Subsidy,
                   Field(discriminator="rule")]


class AnyOf(_Strict):
    """Passes when one of its rules passes (e.g. severe disability *or* a hardship household)."""

    rule: Literal["any_of"]
    name_zh: str = Field(min_length=2)
    rules: list[Simple] = Field(min_length=2)


Rule = Annotated[CertificateValid | Categories | Grades | Age | Households | IncomeBelow
                 | Insurance | School | CarePlacement | Employment | Subsidy | AnyOf,
                 Field(discriminator="rule")]


# ---- benefit, quota, decision, settlement ----------------------------------------------------

class Benefit(_Strict):
    kind: Literal["monthly_cash", "yearly_cash", "one_off", "premium", "in_kind",
                  "institution_bill", "concession"]
    amount: Money = Decimal(0)  # per month, year or once; the yearly ceiling for in_kind/bill
    by_grade: dict[Annotated[int, Field(ge=1, le=4)], Money] = {}
    by_mode: dict[Literal["residential", "day", "home", "respite", "temporary"], Money] = {}
    demo: bool = False  # "demo value, unconfirmed"
    description_zh: str = ""
    # The amount is the subsidy rule set's own (``benefits/data/<deployment>.yaml``), never
    # a second copy: only for a programme settled on the subsidy roll.
    from_subsidy_rules: bool = False

    @model_validator(mode="after")
    def _amount(self) -> Benefit:
        if self.from_subsidy_rules:
            if self.amount or self.by_grade or self.by_mode:
                raise rulefile.refuse("from_subsidy_rules 的金额取自补贴规则，不能另写 amount、"
                                      "by_grade 或 by_mode",
                                      "from_subsidy_rules takes the amount from the subsidy "
                                      "rules: no amount, by_grade or by_mode")
            return self
        if self.kind != "concession" and not (self.amount or self.by_grade or self.by_mode):
            raise rulefile.refuse("现金或限额类待遇须写明 amount、by_grade 或 by_mode",
                                  "a cash or ceiling benefit needs amount, by_grade or by_mode")
        return self


class Quota(_Strict):
    yearly_persons: Annotated[int, Field(ge=1)] | None = None
    yearly_budget: Money | None = None


class DecisionChain(_Strict):
    review: Literal["village_worker", "township_staff", "federation_staff"] = "township_staff"
    approve: Literal["township_staff", "federation_staff"] = "federation_staff"
    public_notice_days: Annotated[int, Field(ge=0, le=30)] = 0  # 公示; 0 = none
    days: Annotated[int, Field(ge=1, le=90)] = 20  # time limit for a decision


class Claims(_Strict):
    """What an insurance programme pays on a claim (理赔), per kind of loss: the most paid
    for one accident (medical costs, disability by grade of the injury, death)."""

    medical: Money
    disability: Money
    death: Money
    report_within_days: Annotated[int, Field(ge=1, le=3650)] = 365
    demo: bool = False


class Settlement(_Strict):
    """How the benefit is settled. ``subsidy_roll``: one of the two national subsidies
    (``subsidy``: living or nursing), whose application, public notice, decision and
    monthly roll are the benefits app's (the engine offers it and hands the application
    over; nothing of it is paid through the programme ledger)."""

    kind: Literal["ledger", "institution", "roster", "subsidy_roll", "none"]
    designation: Literal["care", "rehabilitation", "training"] | None = None
    department_zh: str = ""  # the roster's other department, e.g. 人社局 / 医保局
    claims: Claims | None = None  # an insurance bought on the roster pays claims
    subsidy: Literal["living", "nursing"] | None = None  # the subsidy_roll's subsidy

    @model_validator(mode="after")
    def _complete(self) -> Settlement:
        if (self.kind == "subsidy_roll") != (self.subsidy is not None):
            raise rulefile.refuse("subsidy_roll（补贴花名册）结算须且只有它须写明 subsidy",
                                  "a subsidy_roll settlement, and only it, names the subsidy")
        if self.kind == "roster" and not self.department_zh:
            raise rulefile.refuse("名单结算须写明 department_zh（对接部门）", "a roster names department_zh")
        if self.claims is not None and self.kind != "roster":
            raise rulefile.refuse("claims（理赔）只适用于按名单投保的保险",
                                  "claims are paid by an insurance bought on a roster")
        return self


CLAIM_KINDS_ZH = {"medical": "意外医疗", "disability": "意外伤残", "death": "意外身故"}


def check_claim(claims: Claims, kind: str, claimed: Decimal, accident_on: dt.date,
                reported_on: dt.date, covered: bool) -> list[str]:
    """Why a claim cannot be accepted, in words (empty: it can be decided). Pure: the
    cover (a confirmed line on the accident year's roster) is looked up by the caller."""
    problems = []
    if kind not in CLAIM_KINDS_ZH:
        problems.append(f"理赔类型“{kind}”无法识别（应为意外医疗、意外伤残或意外身故）")
    if claimed <= 0:
        problems.append("申请理赔金额必须大于零")
    if accident_on > reported_on:
        problems.append("事故日期晚于报案日期")
    elif (reported_on - accident_on).days > claims.report_within_days:
        problems.append(f"事故发生超过 {claims.report_within_days} 天才报案，超过报案时限")
    if not covered:
        problems.append(f"事故发生的 {accident_on.year} 年度，本人不在承保公司确认的投保名单上")
    return problems


def claim_payable(claims: Claims, kind: str, claimed: Decimal) -> tuple[Decimal, str]:
    """(amount payable, why cut) of a claim against the most paid for its kind."""
    ceiling: Decimal = getattr(claims, kind)
    if claimed <= ceiling:
        return claimed, ""
    return ceiling, f"超过{CLAIM_KINDS_ZH[kind]}最高赔付 {ceiling} 元，核减 {claimed - ceiling} 元"


class Version(_Strict):
    effective_from: dt.date
    effective_until: dt.date | None = None
    name_zh: str = Field(min_length=2)
    name_en: str = Field(min_length=2)
    basis: str = Field(min_length=2)
    summary_zh: str = ""
    applicants: list[Literal["person", "guardian", "employer", "institution"]] = Field(
        min_length=1)
    channels: list[Literal["portal", "staff", "offer", "automatic"]] = Field(min_length=1)
    eligibility: list[Rule] = Field(min_length=1)
    benefit: Benefit
    quota: Quota = Quota()
    decision: DecisionChain = DecisionChain()
    settlement: Settlement

    @field_validator("effective_from", "effective_until", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Version:
        kind, settle = self.benefit.kind, self.settlement.kind
        if kind == "institution_bill" and settle != "institution":
            raise rulefile.refuse("institution_bill（机构结算待遇）须以 institution 方式结算",
                                  "an institution_bill benefit is settled with kind institution")
        if kind == "premium" and settle != "roster":
            raise rulefile.refuse("premium（代缴保险费）须以 roster（名单）方式结算",
                                  "a premium benefit is settled by roster")
        if kind in ("monthly_cash", "yearly_cash", "one_off") and settle not in (
                "ledger", "subsidy_roll"):
            raise rulefile.refuse("现金待遇须通过 ledger（发放台账）或 subsidy_roll（补贴花名册）结算",
                                  "a cash benefit is settled through the ledger or the subsidy roll")
        if settle == "subsidy_roll":
            self._subsidy_roll()
        elif self.benefit.from_subsidy_rules:
            raise rulefile.refuse("from_subsidy_rules 只用于 subsidy_roll（补贴花名册）结算",
                                  "from_subsidy_rules is only for a subsidy_roll settlement")
        if self.effective_until and self.effective_until < self.effective_from:
            raise rulefile.refuse("effective_until 早于 effective_from",
                                  "effective_until is before effective_from")
        if self.decision.review == self.decision.approve == "township_staff":
            raise rulefile.refuse("审核与审批须由不同角色办理（审批分离）",
                                  "review and approval need different roles (separation of duties)")
        return self

    def _subsidy_roll(self) -> None:
        """A subsidy on the engine: decided by the subsidy rules (one definition), paid
        monthly by the subsidy roll at the subsidy rules' amount, applied for by the person
        (the benefits application asks the declared facts: no automatic enrolment)."""
        of = self.settlement.subsidy
        if self.benefit.kind != "monthly_cash" or not self.benefit.from_subsidy_rules:
            raise rulefile.refuse("subsidy_roll 的待遇须为 monthly_cash 且 from_subsidy_rules: true",
                                  "a subsidy_roll benefit is monthly_cash with from_subsidy_rules: true")
        if not any(isinstance(r, Subsidy) and r.of == of for r in self.eligibility):
            raise rulefile.refuse(f"subsidy_roll 的条件须包含 {{rule: subsidy, of: {of}}}",
                                  f"a subsidy_roll's eligibility includes {{rule: subsidy, of: {of}}}")
        if "automatic" in self.channels:
            raise rulefile.refuse("补贴须由本人申请（需申报长期照护等情况），不能自动纳入",
                                  "a subsidy is applied for (declared facts): no automatic channel")

    @property
    def version(self) -> str:
        return self.effective_from.isoformat()


class OverQuotaReward(_Strict):
    """The over-quota employer reward (超比例安排残疾人就业奖励): paid per whole disabled
    person an employer's approved quota declaration counts above the required number,
    after a public notice (公示) of ``public_notice_days`` working days."""

    effective_from: dt.date
    name_zh: str = Field(min_length=2)
    basis: str = Field(min_length=2)
    per_person: Money
    max_persons: Annotated[int, Field(ge=1)] | None = None
    public_notice_days: Annotated[int, Field(ge=1, le=30)] = 5
    demo: bool = False

    @field_validator("effective_from", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value


def reward_amount(reward: OverQuotaReward, excess_persons: int) -> tuple[int, Decimal]:
    """(persons rewarded, amount) for an employer over the quota by ``excess_persons``."""
    persons = max(0, excess_persons)
    if reward.max_persons is not None:
        persons = min(persons, reward.max_persons)
    return persons, (reward.per_person * persons).quantize(FEN)


class InstitutionSupport(_Strict):
    """Yearly support for an institution per disabled worker it employs: a supported-
    employment unit (辅助性就业机构) or a blind-massage institution (盲人按摩机构). Every
    worker named must pass ``workers`` (the same rules as a programme's eligibility, each
    explained); the grant is ``per_person`` for each worker who does, from ``min_persons``
    and up to ``max_persons``."""

    effective_from: dt.date
    name_zh: str = Field(min_length=2)
    name_en: str = Field(min_length=2)
    basis: str = Field(min_length=2)
    institution_kind: Literal["supported_employment", "blind_massage"]
    workers: list[Rule] = Field(min_length=1)
    per_person: Money
    min_persons: Annotated[int, Field(ge=1)] = 1
    max_persons: Annotated[int, Field(ge=1)] | None = None
    demo: bool = False

    @field_validator("effective_from", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _order(self) -> InstitutionSupport:
        if self.max_persons is not None and self.max_persons < self.min_persons:
            raise rulefile.refuse("max_persons 小于 min_persons", "max_persons is below min_persons")
        return self


def worker_verdict(support: InstitutionSupport, f: Facts, on: dt.date) -> tuple[bool, tuple[Reason, ...]]:
    """Whether one worker counts for the institution's support on ``on``, every rule
    explained (a dead worker never counts)."""
    reasons = [] if f.alive else [Reason("alive", False, "本人已去世", "the person has died")]
    reasons.extend(check(rule, f, on) for rule in support.workers)
    return all(r.passed for r in reasons), tuple(reasons)


def support_amount(support: InstitutionSupport, counted: int) -> tuple[int, Decimal, str]:
    """(workers paid for, amount, why not in full, in Chinese) for ``counted`` eligible
    workers: nothing below ``min_persons``, at most ``max_persons``."""
    if counted < support.min_persons:
        return 0, Decimal("0.00"), (f"符合条件的残疾职工 {counted} 人，"
                                    f"不足 {support.min_persons} 人")
    persons, why = counted, ""
    if support.max_persons is not None and counted > support.max_persons:
        persons, why = support.max_persons, (f"符合条件的残疾职工 {counted} 人，"
                                             f"按每家最多 {support.max_persons} 人计")
    return persons, (support.per_person * persons).quantize(FEN), why


class RuleFile(_Strict):
    schema_: Literal[1] = Field(alias="schema")
    deployment: str
    region_code: str = Field(pattern=r"^\d{6}$")
    sources: list[str] = []
    over_quota_rewards: list[OverQuotaReward] = []
    institution_support: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")],
                              list[InstitutionSupport]] = {}
    programmes: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")],
                     list[Version]] = Field(min_length=1)


@dataclass(frozen=True)
class Programme:
    """One programme's versions, newest last."""

    code: str
    versions: tuple[Version, ...]

    def on(self, day: dt.date) -> Version | None:
        found = None
        for v in self.versions:
            if v.effective_from <= day:
                found = v
        if found is not None and found.effective_until and found.effective_until < day:
            return None
        return found

    @property
    def latest(self) -> Version:
        return self.versions[-1]


@dataclass(frozen=True)
class Catalogue:
    """Every programme of one deployment's rule file."""

    deployment: str
    region_code: str
    programmes: Mapping[str, Programme]
    file: str = ""
    rewards: tuple[OverQuotaReward, ...] = ()
    supports: Mapping[str, tuple[InstitutionSupport, ...]] = field(default_factory=dict)

    def support_on(self, code: str, day: dt.date) -> InstitutionSupport | None:
        """The institution support ``code`` in force on ``day`` (the latest begun), if any."""
        found = None
        for s in self.supports.get(code, ()):
            if s.effective_from <= day:
                found = s
        return found

    def reward_on(self, day: dt.date) -> OverQuotaReward | None:
        """The over-quota reward rule in force on ``day`` (the latest begun), if any."""
        found = None
        for r in self.rewards:
            if r.effective_from <= day:
                found = r
        return found

    def __iter__(self) -> Iterator[Programme]:
        return iter(self.programmes.values())

    def get(self, code: str) -> Programme | None:
        return self.programmes.get(code)


def _entry_of(loc: tuple[Any, ...], raw: Mapping[str, Any]) -> tuple[str, str]:
    """(entry, field) of a pydantic error location inside a rule file."""
    if len(loc) >= 3 and loc[0] == "programmes":
        code, index = loc[1], loc[2]
        if isinstance(index, int):
            try:
                start = raw["programmes"][code][index].get("effective_from", "?")
            except (KeyError, IndexError, TypeError, AttributeError):
                start = "?"
            rest = ".".join(str(p) for p in loc[3:]
                            if not str(p).startswith(("CertificateValid", "Categories", "Grades",
                                                      "Age", "Households", "IncomeBelow",
                                                      "Insurance", "School", "CarePlacement",
                                                      "Employment", "Subsidy", "AnyOf"))
                            and p not in ("certificate_valid", "categories", "grades", "age",
                                          "household", "income_below", "insurance", "school",
                                          "care_placement", "employment", "subsidy", "any_of"))
            return f"programmes.{code}[{index}] ({start})", rest or "(version)"
        return f"programmes.{code}", ".".join(str(p) for p in loc[2:]) or "(list)"
    if len(loc) >= 3 and loc[0] == "institution_support" and isinstance(loc[2], int):
        return (f"institution_support.{loc[1]}[{loc[2]}]",
                ".".join(str(p) for p in loc[3:]) or "(version)")
    return "(file)", ".".join(str(p) for p in loc) or "(file)"


def parse(raw: Any, file: str) -> Catalogue:
    """A catalogue from a parsed YAML mapping; :class:`ProgrammeFileError` on the first
    problem (checked by the shared reader, ``core.rulefile.validate``)."""
    parsed = rulefile.validate(raw, RuleFile, file=file, error=ProgrammeFileError)
    programmes = {}
    for code, versions in parsed.programmes.items():
        starts = [v.effective_from for v in versions]
        if len(set(starts)) != len(starts):
            raise ProgrammeFileError(file, f"programmes.{code}", "effective_from",
                                     "两个版本的生效日期相同", "two versions start on the same day")
        programmes[code] = Programme(code, tuple(sorted(versions, key=lambda v: v.effective_from)))
    supports = {code: tuple(sorted(given, key=lambda v: v.effective_from))
                for code, given in parsed.institution_support.items()}
    for code, support_versions in supports.items():
        if len({v.effective_from for v in support_versions}) != len(support_versions):
            raise ProgrammeFileError(file, f"institution_support.{code}", "effective_from",
                                     "两个版本的生效日期相同", "two versions start on the same day")
    return Catalogue(parsed.deployment, parsed.region_code, programmes, file,
                     tuple(sorted(parsed.over_quota_rewards, key=lambda r: r.effective_from)),
                     supports)


def load(path: Path) -> Catalogue:
    """The catalogue of a rule file (``FileNotFoundError`` without it)."""
    return parse(rulefile.read(path, ProgrammeFileError), path.name)


def loads(text: str, file: str = "draft.yaml") -> Catalogue:
    """The catalogue of a rule file's text (a draft pasted into the simulation page)."""
    return parse(rulefile.parse_text(text, file, ProgrammeFileError), file)


def shipped(code: str) -> Catalogue:
    return load(DATA_DIR / f"{code}.yaml")


def available() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


# ---- facts and verdicts ----------------------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    """What the rules read about one person on one date (assembled by ``facts.py``)."""

    birth_date: dt.date
    alive: bool = True
    certificate_valid: bool = False
    category: int | None = None
    grade: int | None = None
    autism: bool = False
    household_type: str = "ordinary"
    income_per_capita: Decimal | None = None
    pension_insured: bool | None = None  # None: not recorded
    medical_insured: bool | None = None
    school: str | None = None  # preschool | compulsory | upper_secondary | higher
    care_modes: frozenset[str] = frozenset()
    care_government_paid: bool = False
    employment: str | None = None
    # the deployment's subsidy rule set (benefits.rulesets.RuleSet), read by the subsidy rule
    subsidy_rules: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Reason:
    rule: str
    passed: bool
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class Verdict:
    """The outcome for one programme, person and date, with every rule explained."""

    code: str
    version: str
    name_zh: str
    eligible: bool
    amount: Decimal  # per period (month, year, once) or the yearly ceiling; 0 if none
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.passed)

    def why_zh(self) -> str:
        return "；".join(r.text_zh for r in (self.reasons if self.eligible else self.failed))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _names(values: Any, names: Mapping[Any, str]) -> str:
    return "、".join(names.get(v, str(v)) for v in values)


def check(rule: Any, f: Facts, on: dt.date) -> Reason:
    """One eligibility rule over the facts, explained in words whether it passes or not."""
    name = rule.rule
    if isinstance(rule, CertificateValid):
        ok = f.certificate_valid
        return Reason(name, ok, "持有有效残疾人证" if ok else "没有有效的残疾人证",
                      "holds a valid certificate" if ok else "no valid disability certificate")
    if isinstance(rule, Categories):
        ok = f.category in rule.any_of or (rule.autism and f.autism)
        wanted = _names(rule.any_of, CATEGORY_ZH) + ("、孤独症" if rule.autism else "")
        have = CATEGORY_ZH.get(f.category or 0, "未登记") + ("（孤独症）" if f.autism else "")
        return Reason(name, ok, f"残疾类别{have}，{'属于' if ok else '不属于'}{wanted}",
                      f"category {f.category} {'is' if ok else 'is not'} among {rule.any_of}")
    if isinstance(rule, Grades):
        ok = f.grade in rule.any_of
        return Reason(name, ok, f"残疾等级{GRADE_ZH.get(f.grade or 0, '未登记')}，"
                                f"{'属于' if ok else '不属于'}{_names(rule.any_of, GRADE_ZH)}",
                      f"grade {f.grade} {'is' if ok else 'is not'} among {rule.any_of}")
    if isinstance(rule, Age):
        age = age_on(f.birth_date, on)
        ok = rule.min <= age <= rule.max
        span = f"{rule.min}–{rule.max} 周岁"
        return Reason(name, ok, f"{on.isoformat()} 时 {age} 周岁，{'在' if ok else '不在'} {span} 之内",
                      f"aged {age} on {on}, {'within' if ok else 'outside'} {rule.min}–{rule.max}")
    if isinstance(rule, Households):
        ok = f.household_type in rule.any_of
        return Reason(name, ok, f"{HOUSEHOLD_ZH.get(f.household_type, f.household_type)}，"
                                f"{'属于' if ok else '不属于'}{_names(rule.any_of, HOUSEHOLD_ZH)}",
                      f"household {f.household_type} {'in' if ok else 'not in'} {rule.any_of}")
    if isinstance(rule, IncomeBelow):
        limit = rule.monthly_per_capita
        if f.income_per_capita is None:
            return Reason(name, False, f"家庭人均月收入未登记（需低于 {limit} 元）",
                          f"household income not recorded (must be below {limit})")
        ok = f.income_per_capita < limit
        return Reason(name, ok, f"家庭人均月收入 {f.income_per_capita} 元，"
                                f"{'低于' if ok else '不低于'} {limit} 元",
                      f"income {f.income_per_capita} {'below' if ok else 'not below'} {limit}")
    if isinstance(rule, Insurance):
        value = f.pension_insured if rule.scheme == "pension" else f.medical_insured
        label = "城乡居民基本养老保险" if rule.scheme == "pension" else "城乡居民基本医疗保险"
        if value is None:
            return Reason(name, False, f"参加{label}的情况未登记（需参保）",
                          f"{rule.scheme} insurance not recorded")
        return Reason(name, value, f"{'已' if value else '未'}参加{label}",
                      f"{'in' if value else 'not in'} {rule.scheme} insurance")
    if isinstance(rule, School):
        ok = f.school in rule.any_of
        have = SCHOOL_ZH.get(f.school or "", "未登记在读")
        return Reason(name, ok, f"就学状况：{have}，{'属于' if ok else '不属于'}"
                                f"{_names(rule.any_of, SCHOOL_ZH)}",
                      f"school {f.school} {'in' if ok else 'not in'} {rule.any_of}")
    if isinstance(rule, CarePlacement):
        modes = f.care_modes & set(rule.modes)
        ok = bool(modes) and (f.care_government_paid or not rule.government_paid)
        if not f.care_modes:
            zh = f"没有有效的托养安置记录（需{_names(rule.modes, MODE_ZH)}）"
        elif not modes:
            zh = f"托养方式为{_names(sorted(f.care_modes), MODE_ZH)}，不属于{_names(rule.modes, MODE_ZH)}"
        else:
            zh = f"在托养机构{_names(sorted(modes), MODE_ZH)}" + (
                "" if ok else "，但不是政府购买的安置")
        return Reason(name, ok, zh, f"care placement {sorted(f.care_modes)}; needs {rule.modes}")
    if isinstance(rule, AnyOf):
        inner = [check(r, f, on) for r in rule.rules]
        passed = [r for r in inner if r.passed]
        ok = bool(passed)
        shown = passed[:1] if ok else inner
        return Reason(name, ok, f"{rule.name_zh}：{'满足' if ok else '均不满足'}（"
                                + "；".join(r.text_zh for r in shown) + "）",
                      f"{'one of' if ok else 'none of'} the alternatives: "
                      + "; ".join(r.text_en for r in shown))
    if isinstance(rule, Subsidy):
        return _subsidy(rule, f, on)
    if isinstance(rule, Employment):
        ok = f.employment in rule.any_of
        return Reason(name, ok, f"就业状况{'符合' if ok else '不符合'}（{f.employment or '未登记'}）",
                      f"employment {f.employment} {'in' if ok else 'not in'} {rule.any_of}")
    raise TypeError(name)  # pragma: no cover - the schema admits no other rule


SUBSIDY_ZH = {"living": "困难残疾人生活补贴", "nursing": "重度残疾人护理补贴"}
# The care modes in which an institution provides the care (the nursing uplift's
# institutional care); the subsidy pages also ask for the institution's care designation.
INSTITUTIONAL_MODES = frozenset({"residential", "day"})


def subsidy_decision(of: str, f: Facts, on: dt.date) -> Any:
    """The subsidy rule set's decision (``benefits.eligibility.decide``) from the registry's
    facts, the way the gap list reads them; raises ``FactsError`` / ``NotInForceError``."""
    return subsidy_eligibility.decide(
        f.subsidy_rules, of, subsidy_eligibility.registry_facts(
            category=f.category, grade=f.grade, household_type=f.household_type,
            income=f.income_per_capita, alive=f.alive, birth_date=f.birth_date,
            certificate_valid=f.certificate_valid,
            institutional_care=bool(f.care_modes & INSTITUTIONAL_MODES)), on)


def _subsidy(rule: Subsidy, f: Facts, on: dt.date) -> Reason:
    """The subsidy rule set's own decision, its reasons shown as the rule's explanation."""
    name = SUBSIDY_ZH[rule.of]
    if f.subsidy_rules is None:
        return Reason("subsidy", False, f"本地区未设{name}规则",
                      f"no {rule.of} subsidy rules in this area")
    try:
        decision = subsidy_decision(rule.of, f, on)
    except (subsidy_eligibility.FactsError, subsidy_eligibility.NotInForceError) as exc:
        return Reason("subsidy", False, f"{name}：{exc}", f"{rule.of} subsidy: {exc}")
    ok = decision.eligible
    shown = decision.reasons if ok else decision.failed
    return Reason("subsidy", ok, f"{name}：{'符合' if ok else '不符合'}（"
                                 + "；".join(r.text_zh for r in shown) + "）",
                  f"{rule.of} subsidy: {'eligible' if ok else 'not eligible'} ("
                  + "; ".join(r.text_en for r in shown) + ")")


def amount_for(version: Version, f: Facts, on: dt.date | None = None) -> Decimal:
    """The benefit's amount for this person: the subsidy rules' monthly amount (a programme
    on the subsidy roll), by grade, by care mode, or the flat amount."""
    b = version.benefit
    if b.from_subsidy_rules:
        if f.subsidy_rules is None or on is None or version.settlement.subsidy is None:
            return Decimal(0)
        try:
            amount: Decimal = subsidy_decision(version.settlement.subsidy, f, on).monthly_amount
        except (subsidy_eligibility.FactsError, subsidy_eligibility.NotInForceError):
            return Decimal(0)
        return amount
    if b.by_grade and f.grade in b.by_grade:
        return b.by_grade[f.grade]
    if b.by_mode:
        found = [b.by_mode[m] for m in f.care_modes if m in b.by_mode]
        if found:
            return max(found)
    return b.amount


def decide(programme: Programme, f: Facts, on: dt.date) -> Verdict | None:
    """The verdict for ``programme`` on ``on``; None when no version is in force that day."""
    version = programme.on(on)
    if version is None:
        return None
    return decide_version(programme.code, version, f, on)


def decide_version(code: str, version: Version, f: Facts, on: dt.date) -> Verdict:
    reasons = []
    if not f.alive:
        reasons.append(Reason("alive", False, "本人已去世", "the person has died"))
    reasons.extend(check(rule, f, on) for rule in version.eligibility)
    eligible = all(r.passed for r in reasons)
    amount = amount_for(version, f, on).quantize(FEN) if eligible else Decimal("0.00")
    if eligible and version.benefit.kind != "concession" and amount <= 0:
        eligible = False
        reasons.append(Reason("amount", False, "按规则本人对应的金额为零",
                              "the rules give this person no amount"))
    return Verdict(code, version.version, version.name_zh, eligible, amount, tuple(reasons))


def _read(rule: Any, f: Facts, on: dt.date) -> Any:
    """What one rule reads of the facts, reduced to what changes its outcome (an age rule:
    whether the age is inside its span)."""
    if isinstance(rule, CertificateValid):
        return f.certificate_valid
    if isinstance(rule, Categories):
        return (f.category, f.autism)
    if isinstance(rule, Grades):
        return f.grade
    if isinstance(rule, Age):
        return rule.min <= age_on(f.birth_date, on) <= rule.max
    if isinstance(rule, Households):
        return f.household_type
    if isinstance(rule, IncomeBelow):
        return f.income_per_capita
    if isinstance(rule, Insurance):
        return f.pension_insured if rule.scheme == "pension" else f.medical_insured
    if isinstance(rule, School):
        return f.school
    if isinstance(rule, CarePlacement):
        return (f.care_modes, f.care_government_paid)
    if isinstance(rule, Employment):
        return f.employment
    if isinstance(rule, Subsidy):
        # From the registry's facts the subsidy decision reads the income only as the side
        # of the rule set's limit it is on, and no age (the working-age test reads an own
        # income the registry does not hold): a district is a few hundred outcomes, not one
        # per household income and age.
        return (f.category, f.grade, f.household_type, _below_subsidy_limit(rule.of, f, on),
                f.alive, f.certificate_valid, bool(f.care_modes & INSTITUTIONAL_MODES))
    if isinstance(rule, AnyOf):
        return tuple(_read(r, f, on) for r in rule.rules)
    raise TypeError(rule.rule)  # pragma: no cover - the schema admits no other rule


def _below_subsidy_limit(of: str, f: Facts, on: dt.date) -> bool | None:
    if f.subsidy_rules is None or f.income_per_capita is None:
        return None
    limit = subsidy_eligibility.household_income_limit(f.subsidy_rules, of, on)
    return None if limit is None else f.income_per_capita < limit


def outcome_key(version: Version, f: Facts, on: dt.date) -> tuple[Any, ...]:
    """Everything of ``f`` that the version's eligibility and amount depend on: two facts
    with the same key get the same ``eligible`` and ``amount`` from
    :func:`decide_version` (the reasons' wording may differ, e.g. the age in years). The
    simulation decides once per key."""
    b = version.benefit
    return (f.alive, *(_read(rule, f, on) for rule in version.eligibility),
            f.grade if b.by_grade else None, f.care_modes if b.by_mode else None)


def yearly_cost(version: Version, amount: Decimal) -> Decimal:
    """What one eligible person costs in a year (the simulation's unit)."""
    kind = version.benefit.kind
    if kind == "monthly_cash":
        return amount * 12
    if kind == "concession":
        return Decimal(0)
    return amount


def remaining_ceiling(ceiling: Decimal, settled: Decimal) -> Decimal:
    """What may still be settled for a person this year under a yearly ceiling (每人每年限额)."""
    return max(Decimal(0), ceiling - settled)


def accept_bill(claimed: Decimal, ceiling: Decimal, settled: Decimal) -> tuple[Decimal, str]:
    """(accepted amount, reason if cut) of an institution's bill line against the ceiling."""
    if claimed <= 0:
        raise RuleError("amount", gettext_noop("The amount billed must be above zero"))
    left = remaining_ceiling(ceiling, settled)
    if claimed <= left:
        return claimed, ""
    return left, (f"超过每人每年限额 {ceiling} 元（本年已结算 {settled} 元），"
                  f"核减 {claimed - left} 元")
