"""Subsidy applications, grants and monthly payment rolls (两项补贴).

A *grant* is the standing decision to pay one subsidy to one person from a start month;
a *roll* is one month's payment list. A roll line records the month it pays for
(``period``), the amount and the rule version used, so a finalised roll is a frozen
record of what was paid and why: later edits to persons, grants or rules never rewrite
it, and corrections are lines of a later roll (arrears, recoveries, re-issues).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.core.encrypted import EncryptedCharField
from canlian.core.models import PublicNoticeBase


class Subsidy(models.TextChoices):
    LIVING = "living", _("Living subsidy for persons in hardship (困难残疾人生活补贴)")
    NURSING = "nursing", _("Nursing subsidy for severely disabled persons (重度残疾人护理补贴)")


class ApplicationState(models.TextChoices):
    PREFILLED = "prefilled", _("Pre-filled, to confirm")  # opened by "1+X"
    APPLIED = "applied", _("Waiting for township review")
    REVIEWED = "reviewed", _("Waiting for federation approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPLICATION_STATES = ["prefilled", "applied", "reviewed"]


class DeclaredFacts(models.Model):
    """Facts that the registry does not hold and the application declares (verified by staff)."""

    needs_long_term_care = models.BooleanField(_("needs long-term care (≥ 6 months)"),
                                               default=False)
    care_months = models.PositiveSmallIntegerField(_("months of care need"), null=True, blank=True)
    institutional_care = models.BooleanField(_("cared for by an approved institution"),
                                             default=False)
    own_income = models.DecimalField(_("own monthly income (yuan)"), max_digits=10,
                                     decimal_places=2, null=True, blank=True)
    hukou_in_region = models.BooleanField(_("hukou in this region"), default=True)
    work_injury_care_allowance = models.BooleanField(
        _("receives work-injury care allowance (工伤保险生活护理费)"), default=False)
    orphan_basic_living = models.BooleanField(_("receives orphans' basic living allowance"),
                                              default=False)
    other_allowances = models.JSONField(_("other allowances (择高)"), default=dict, blank=True)

    class Meta:
        abstract = True

    FACT_FIELDS = ("needs_long_term_care", "care_months", "institutional_care", "own_income",
                   "hukou_in_region", "work_injury_care_allowance", "orphan_basic_living",
                   "other_allowances")


class PublicNotice(PublicNoticeBase):
    """A public notice (公示) of subsidy applicants in one village, with its dates: posted by
    the township after its review; approval waits until it has run (``core.notice_rules``)."""

    class Meta(PublicNoticeBase.Meta):
        verbose_name = _("public notice")


class SubsidyApplication(DeclaredFacts):
    """An application (补贴申请) for one subsidy: township review, federation approval."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="subsidy_applications")
    subsidy = models.CharField(_("subsidy"), max_length=8, choices=Subsidy.choices)
    state = models.CharField(_("state"), max_length=10, choices=ApplicationState.choices,
                             db_index=True)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=8, default="staff",
                               choices=[("staff", _("At the counter")), ("online", _("Online")),
                                        ("auto", _("Opened by a new certificate"))])
    applied_on = models.DateField(_("applied on"))
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account = EncryptedCharField(_("bank account"), max_length=30, blank=True)
    # The eligibility decision shown to staff: every rule checked, with reasons.
    eligible = models.BooleanField(_("eligible by the rules"), default=False)
    monthly_amount = models.DecimalField(_("monthly amount"), max_digits=10, decimal_places=2,
                                         default=0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    rule_version = models.CharField(_("rule version"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    # The public notice (公示) the application was posted on, after the township review.
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="applications", verbose_name=_("public notice"))
    # Who did the township review: they may not also approve (core/duties.py).
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "subsidy"],
                                    condition=models.Q(state__in=OPEN_APPLICATION_STATES),
                                    name="one_open_subsidy_application"),
        ]
        verbose_name = _("subsidy application")

    def __str__(self) -> str:
        return f"{self.get_subsidy_display()} · {self.person_id}"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("Being paid")
    SUSPENDED = "suspended", _("Suspended")
    STOPPED = "stopped", _("Stopped")


class Grant(DeclaredFacts):
    """The decision to pay one subsidy to one person, from ``start_month`` (发放对象)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="grants")
    subsidy = models.CharField(_("subsidy"), max_length=8, choices=Subsidy.choices)
    application = models.OneToOneField(SubsidyApplication, on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="grant")
    start_month = models.DateField(_("paid from (month)"))
    # The first month this system pays. Equal to ``start_month`` for a grant decided here; a
    # grant carried over from an earlier system starts being paid here where that system's
    # payments stopped, so months it already paid are never paid again as arrears.
    first_payable_month = models.DateField(_("first month paid by this system"))
    end_month = models.DateField(_("paid through (month)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=GrantStatus.choices,
                              default=GrantStatus.ACTIVE, db_index=True)
    stop_reason = models.CharField(_("reason stopped"), max_length=200, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account = EncryptedCharField(_("bank account"), max_length=30, blank=True)
    # Arrears of more months than ``CANLIAN_ARREARS_LIMIT_MONTHS`` are held until a second
    # person approves them (补发审批): from this month on, they may be paid.
    arrears_approved_from = models.DateField(_("arrears approved from (month)"), null=True,
                                             blank=True)
    arrears_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                            null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["person_id", "subsidy"]
        constraints = [
            models.UniqueConstraint(fields=["person", "subsidy"],
                                    condition=~models.Q(status="stopped"),
                                    name="one_running_grant_per_subsidy"),
        ]
        indexes = [models.Index(fields=["status", "subsidy"])]
        verbose_name = _("subsidy grant")

    def __str__(self) -> str:
        return f"{self.get_subsidy_display()} · {self.person_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A grant decided in Canlian is paid here from its start; only a carried-over grant
        # names a later first payable month (set by whoever creates it).
        if self.first_payable_month is None:
            self.first_payable_month = self.start_month
        super().save(*args, **kwargs)


class Suspension(models.Model):
    """Months a grant is not paid. With ``back_pay``, the months are paid once it is lifted."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="suspensions")
    from_month = models.DateField(_("from month"))
    to_month = models.DateField(_("through month"), null=True, blank=True)
    back_pay = models.BooleanField(_("pay the months when lifted"), default=False)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["from_month"]

    def __str__(self) -> str:
        return f"{self.grant_id}: {self.from_month}–{self.to_month or '…'}"


class GrantChange(models.Model):
    """The history of a grant: start, suspend, resume, stop (who, when, why)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=10)
    month = models.DateField(_("effective month"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    # The names shown in the grant's history (its stored codes are for the program).
    ACTION_LABELS = {"start": _("Payment started"), "suspend": _("Suspended"),
                     "resume": _("Resumed"), "stop": _("Stopped"),
                     "arrears": _("Arrears approved"), "facts": _("Facts changed")}

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.month}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class RollStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALISED = "finalised", _("Finalised")


class Roll(models.Model):
    """One month's payment roll (月度发放花名册) for a deployment."""

    month = models.DateField(_("month"))
    kind = models.CharField(_("kind"), max_length=10, default="regular",
                            choices=[("regular", _("Regular")), ("adjustment", _("Adjustment"))])
    sequence = models.PositiveSmallIntegerField(default=1)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=RollStatus.choices,
                              default=RollStatus.DRAFT)
    line_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(_("total (yuan)"), max_digits=14, decimal_places=2, default=0)
    digest = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    # The moment finalisation read its inputs "as of" (``rolls.inputs_read_moment``): the
    # next month treats grants unchanged since then as settled. Not ``finalised_at``, which
    # comes after the checks: a change committed in between would otherwise never be reviewed.
    inputs_read_at = models.DateTimeField(null=True, blank=True)
    # Grants whose arrears exceed the limit and wait for a second approval (not in the roll).
    held_arrears = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-month", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month", "sequence"],
                                    name="roll_sequence_unique"),
            models.UniqueConstraint(fields=["region", "month"],
                                    condition=models.Q(kind="regular"),
                                    name="one_regular_roll_per_month"),
            models.UniqueConstraint(fields=["region"], condition=models.Q(status="draft"),
                                    name="one_draft_roll_at_a_time"),
        ]
        verbose_name = _("payment roll")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.sequence}"


class LineKind(models.TextChoices):
    REGULAR = "regular", _("This month")
    ARREARS = "arrears", _("Arrears")
    RECOVERY = "recovery", _("Recovery")
    REISSUE = "reissue", _("Re-issue of a failed payment")


# The kinds of line that pay a month (a recovery takes one back).
PAYING_KINDS = ["regular", "arrears", "reissue"]


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Sent to bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class RollLine(models.Model):
    """One payment: a person, a subsidy, the month it pays for, the amount and why.

    The ledger grows by one line per grant a month (26 million lines after five years at a
    million persons), so it is shaped for appending a month: no database foreign-key
    triggers (checking three references per line cost 15 s of a 355,000-line roll; lines
    are written only by ``rolls`` from the grants it has just read, in one transaction,
    and Django still enforces CASCADE and PROTECT), and the indexes lead with the period,
    so a new month goes in at their right edge instead of into every page.
    """

    roll = models.ForeignKey(Roll, on_delete=models.CASCADE, related_name="lines",
                             db_constraint=False)
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="lines",
                              db_constraint=False)
    # Persons are never deleted; a person's payments are found through the grants.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                               db_constraint=False, db_index=False)
    subsidy = models.CharField(max_length=8, choices=Subsidy.choices)
    period = models.DateField(_("for month"))
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    rule_version = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    village_code = models.CharField(max_length=12)
    payee = models.CharField(max_length=50)
    bank_account = EncryptedCharField(max_length=30, blank=True)
    payment_status = models.CharField(max_length=8, choices=PaymentStatus.choices,
                                      default=PaymentStatus.PENDING)
    failure_reason = models.CharField(max_length=200, blank=True)
    # A payment taken back by a finalised recovery line (its id): the month may be paid
    # again if it becomes due again (a death record corrected, say).
    recovered_by = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["village_code", "person_id", "subsidy", "period"]
        constraints = [
            # Never pay twice: at most one outstanding payment per person, subsidy and month,
            # whatever grants, re-issues or corrections lie behind it. A failed payment and
            # one taken back by a recovery are no longer outstanding.
            models.UniqueConstraint(
                fields=["period", "person", "subsidy"],
                condition=models.Q(kind__in=PAYING_KINDS) & ~models.Q(payment_status="failed")
                & models.Q(recovered_by__isnull=True),
                name="never_pay_twice",
            ),
        ]
        # By period alone: a new month's entries are all one key, appended at the right edge
        # (a (period, village) index took 2 s of a month's roll in random page splits).
        indexes = [models.Index(fields=["period"], name="rollline_period"),
                   # Failed payments are few among millions of lines; every roll asks for them.
                   models.Index(fields=["grant", "period"], name="rollline_failed",
                                condition=models.Q(payment_status="failed"))]

    def __str__(self) -> str:
        return f"{self.person_id} {self.subsidy} {self.period:%Y-%m} {self.amount}"

    @property
    def payment_label(self) -> str:
        """The payment's state as shown: a line of a draft roll has not gone to the bank
        (its stored status is "pending" from the start), so it says the roll is a draft."""
        if self.roll.status == RollStatus.DRAFT:
            return str(_("Not sent: the roll is a draft"))
        return str(self.get_payment_status_display())


class PaidYear(models.Model):
    """A person paid a subsidy for at least one month of a year (年度享受补贴人员).

    A summary of the ledger, so that the plan's coverage indicators read a year's
    360,000 paid persons instead of its four million lines. It holds exactly the
    person-years of ``ledger.paid_lines`` and is written only by ``paid_years``: when a roll
    is finalised (its paid lines are added) and when a bank result marks lines failed or
    paid (the person-years of those lines are recomputed).
    """

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                               db_constraint=False, db_index=False)
    subsidy = models.CharField(max_length=8, choices=Subsidy.choices)
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "subsidy", "person"],
                                               name="paidyear_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.subsidy} {self.year}"


class YearFact(models.Model):
    """A person's subsidy facts as they stood on a year's reference date (年度应享事实).

    A stored read model of ``likely`` (the one definition of "likely eligible"): alive, the
    certificate valid that day with its category and grade, the household type and
    Zhejiang's income test as they stood, whether the person was likely eligible for each
    subsidy, and whether the person was paid it in the year (``PaidYear``). The plan's
    coverage indicators and their gap lists (应享未享) read these rows, one narrow table,
    instead of joining persons, certificates, households and surveys at query time. Written
    only by ``yearfacts.refresh`` (set-based, ``INSERT … SELECT``), the nightly job
    ``subsidy_year_facts`` and after the events that change them; ``YearFactSet`` says
    which years are stored and when they were taken.
    """

    year = models.PositiveSmallIntegerField()
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                               db_constraint=False, db_index=False)
    village_code = models.CharField(max_length=12)
    alive = models.BooleanField()
    category = models.PositiveSmallIntegerField(null=True)
    grade = models.PositiveSmallIntegerField(null=True)
    household_type = models.CharField(max_length=20, blank=True)
    below_limit = models.BooleanField(null=True)  # income test: None where none applies
    likely_living = models.BooleanField()
    likely_nursing = models.BooleanField()
    paid_living = models.BooleanField()
    paid_nursing = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "person"],
                                               name="yearfact_once")]
        indexes = [
            models.Index(fields=["year", "village_code"], name="yearfact_region"),
            # the gap lists (应享未享) of a township: only the likely eligible and unpaid, with
            # the person, read from the index alone (a few thousand of a township's 40,000)
            models.Index(fields=["year", "village_code"], include=["person"],
                         condition=models.Q(likely_living=True, paid_living=False),
                         name="yearfact_living_gap"),
            models.Index(fields=["year", "village_code"], include=["person"],
                         condition=models.Q(likely_nursing=True, paid_nursing=False),
                         name="yearfact_nursing_gap"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class YearFactSet(models.Model):
    """The stored ``YearFact`` rows of a year: their reference date and when they were
    taken (shown beside the coverage figures). Facts are read only while ``on`` is still the
    year's reference date; a year without a set is computed live."""

    year = models.PositiveSmallIntegerField(unique=True)
    on = models.DateField()
    refreshed_at = models.DateTimeField()
    persons = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.year} ({self.on})"
