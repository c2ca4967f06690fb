"""Records of the programme engine (“1+X” 项目): applications and offers, the cash ledger,
institution bills and rosters exchanged with other departments.

The programme itself is data (``data/<deployment>.yaml``, ``rules.py``); a record names it
by its code and the version (``effective_from``) that decided it. Every record about a
person carries the person's village and is scoped through it (``accounts.scoping``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

OPEN_STATES = ("offered", "applied", "reviewed", "approved")


class Application(models.Model):
    """A programme application (项目申请) — or an offer the engine opened (“您可能可以申请…”),
    which becomes an application when the person or a worker confirms it."""

    STATES = [("offered", _("Offered")), ("applied", _("Applied")), ("reviewed", _("Reviewed")),
              ("approved", _("Approved")), ("refused", _("Refused")),
              ("withdrawn", _("Withdrawn")), ("ended", _("Ended"))]
    APPLICANTS = [("person", _("The person")), ("guardian", _("Guardian")),
                  ("employer", _("Employer")), ("institution", _("Institution")),
                  ("staff", _("Staff on behalf")), ("engine", _("Automatic offer"))]

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="programme_applications")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(_("programme"), max_length=40, db_index=True)
    version = models.CharField(_("rule version"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=STATES, default="applied")
    applicant = models.CharField(_("applicant"), max_length=12, choices=APPLICANTS)
    channel = models.CharField(_("channel"), max_length=10)
    eligible = models.BooleanField(_("eligible"), default=False)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, default=0)
    reasons = models.JSONField(_("reasons"), default=list)
    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    due_on = models.DateField(_("decide by"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    reviewed_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["programme", "state", "year"])]
        constraints = [models.UniqueConstraint(
            fields=["person", "programme", "year"], condition=Q(state__in=OPEN_STATES),
            name="programmes_one_open_application_a_year")]

    def __str__(self) -> str:
        return f"{self.programme} {self.person_id} {self.year} {self.state}"


class Payment(models.Model):
    """A line of the programme cash ledger (项目资金发放台账): one period (month, year or the
    one-off) of one person's approved cash benefit. The unique index ``programmes_never_pay_
    twice`` holds at most one payment not failed at the bank per programme, person and period."""

    STATUSES = [("due", _("To pay")), ("paid", _("Paid")), ("failed", _("Failed at the bank"))]

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="payments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(max_length=40)
    period = models.DateField(_("period"))  # first day of the month or year paid for
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=8, choices=STATUSES, default="due")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "id"]
        constraints = [models.UniqueConstraint(
            fields=["programme", "person", "period"], condition=~Q(status="failed"),
            name="programmes_never_pay_twice")]

    def __str__(self) -> str:
        return f"{self.programme} {self.person_id} {self.period} {self.amount}"


class BillLine(models.Model):
    """One line of an institution's monthly bill (机构月度结算) for one person, accepted up to
    the programme's per-person yearly ceiling (每人每年限额)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="bills")
    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT,
                                    related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    claimed = models.DecimalField(_("claimed (yuan)"), max_digits=10, decimal_places=2)
    accepted = models.DecimalField(_("accepted (yuan)"), max_digits=10, decimal_places=2)
    cut_reason = models.CharField(_("why cut"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "month"],
                                               name="programmes_one_bill_a_month")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.month} {self.accepted}"


class Roster(models.Model):
    """A yearly roster sent to another department (名单交换: 人社 pension, 医保 medical, the
    insurer), and its confirmation read back."""

    programme = models.CharField(_("programme"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("department"), max_length=60)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                related_name="+")
    made_on = models.DateField(_("made on"))
    confirmed_on = models.DateField(_("confirmation read on"), null=True, blank=True)
    rejected_rows = models.JSONField(_("rejected rows"), default=list, blank=True)

    class Meta:
        ordering = ["-year", "programme"]
        constraints = [models.UniqueConstraint(fields=["programme", "year", "region"],
                                               name="programmes_one_roster_a_year")]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class RosterLine(models.Model):
    """One person on a roster; ``confirmed`` is what the other department answered."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="lines")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    confirmed = models.BooleanField(null=True)
    answer = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["roster", "person"],
                                               name="programmes_once_on_a_roster")]

    def __str__(self) -> str:
        return f"{self.roster_id} {self.person_id}"


class Claim(models.Model):
    """An accident insurance claim (意外伤害保险理赔) for a person on the year's confirmed
    policy roster: filed by staff with the insurer's papers, decided by another person
    (separation of duties) up to the rule file's most paid for the kind, and marked paid."""

    STATES = [("filed", _("Filed")), ("approved", _("Approved")), ("refused", _("Refused")),
              ("paid", _("Paid"))]
    KINDS = [("medical", _("Accident medical costs")), ("disability", _("Disability")),
             ("death", _("Death"))]

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(_("programme"), max_length=40)
    roster_line = models.ForeignKey(RosterLine, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(_("kind"), max_length=12, choices=KINDS)
    accident_on = models.DateField(_("accident on"))
    reported_on = models.DateField(_("reported on"))
    claimed = models.DecimalField(_("claimed (yuan)"), max_digits=12, decimal_places=2)
    payable = models.DecimalField(_("payable (yuan)"), max_digits=12, decimal_places=2,
                                  default=0)
    state = models.CharField(_("state"), max_length=10, choices=STATES, default="filed")
    note = models.CharField(_("note"), max_length=300, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(
            fields=["person", "kind", "accident_on"], condition=~Q(state="refused"),
            name="programmes_one_claim_an_accident")]

    def __str__(self) -> str:
        return f"{self.programme} {self.person_id} {self.accident_on} {self.kind}"


class EmployerReward(models.Model):
    """An over-quota employer reward (超比例安排残疾人就业奖励) for one approved quota
    declaration: posted for public notice (公示), decided after the notice by someone other
    than the poster, and paid once (one reward per declaration)."""

    STATES = [("notice", _("On public notice")), ("approved", _("Approved")),
              ("refused", _("Refused")), ("paid", _("Paid"))]

    declaration = models.OneToOneField("employment.Declaration", on_delete=models.PROTECT,
                                       related_name="+")
    employer = models.ForeignKey("employment.Employer", on_delete=models.PROTECT,
                                 related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    persons = models.PositiveSmallIntegerField(_("persons above the quota"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    state = models.CharField(_("state"), max_length=10, choices=STATES, default="notice")
    notice_first = models.DateField(_("public notice from"))
    notice_last = models.DateField(_("public notice until"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "employer_id"]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.year} {self.amount}"


class InstitutionGrant(models.Model):
    """A yearly grant to an institution per disabled worker it employs — support for a
    supported-employment unit (辅助性就业机构扶持) or a blind-massage institution (盲人按摩
    机构扶持): applied for by staff with the worker list, every worker checked by the rule
    file, decided by someone other than the applicant, and paid once."""

    STATES = [("applied", _("Applied")), ("approved", _("Approved")), ("refused", _("Refused")),
              ("paid", _("Paid"))]

    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT,
                                    related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    support = models.CharField(_("support"), max_length=40)
    version = models.CharField(_("rule version"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    named = models.PositiveSmallIntegerField(_("workers named"))
    counted = models.PositiveSmallIntegerField(_("workers who count"))
    persons = models.PositiveSmallIntegerField(_("workers paid for"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    state = models.CharField(_("state"), max_length=10, choices=STATES, default="applied")
    note = models.CharField(_("note"), max_length=300, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    applied_on = models.DateField(_("applied on"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "institution_id"]
        constraints = [models.UniqueConstraint(
            fields=["institution", "support", "year"], condition=~Q(state="refused"),
            name="programmes_one_institution_grant_a_year")]

    def __str__(self) -> str:
        return f"{self.support} {self.institution_id} {self.year} {self.amount}"


class InstitutionWorker(models.Model):
    """One disabled worker named on an institution grant, with the rules checked for them
    (``counts``: whether the worker is paid for). A worker counts for one institution of a
    kind a year: the grant's action refuses a worker counted on another grant not refused."""

    grant = models.ForeignKey(InstitutionGrant, on_delete=models.CASCADE, related_name="workers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    counts = models.BooleanField(_("counts"))
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["grant", "person"],
                                               name="programmes_once_on_a_grant")]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.person_id}"
