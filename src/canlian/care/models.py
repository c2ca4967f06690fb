"""Care (托养): places per care mode, placements, waiting lists, day-care attendance and
the quality inspection of institutions.

The institutions themselves are the register of ``services.Institution`` (机构登记, dated
opening and closing, read by the coverage indicators); this app holds what a federation
does with them. Records about a person carry the person's village and are scoped through
it; records about an institution are scoped through the institution's township
(``accounts.scoping``). Rules live in ``rules.py``; writes go through ``actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MODE_CHOICES = [("residential", pgettext_lazy("care mode", "Residential care")),
                ("day", pgettext_lazy("care mode", "Day care")),
                ("home", pgettext_lazy("care mode", "Home-based care")),
                ("respite", pgettext_lazy("care mode", "Respite care")),
                ("temporary", pgettext_lazy("care mode", "Temporary care"))]
PAYER_CHOICES = [("government", _("Government purchase")),
                 ("subsidised", _("Own payment with subsidy")), ("self", _("Own payment"))]
RESULT_CHOICES = [("pass", _("Meets")), ("fail", _("Fails")), ("na", _("Not applicable"))]
GRADE_CHOICES = [("excellent", _("Excellent")), ("good", _("Good")),
                 ("qualified", _("Qualified")), ("unqualified", _("Unqualified"))]


class Places(models.Model):
    """The places an institution offers in one care mode — 托养名额（床位）."""

    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT,
                                    related_name="care_places")
    mode = models.CharField(_("care mode"), max_length=12, choices=MODE_CHOICES)
    places = models.PositiveIntegerField(pgettext_lazy("care", "places"))

    class Meta:
        ordering = ["institution_id", "mode"]
        constraints = [models.UniqueConstraint(fields=["institution", "mode"],
                                               name="care_places_once_per_mode")]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.mode} {self.places}"


class Placement(models.Model):
    """A person placed with an institution in a care mode — 托养安置."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="care_placements")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT,
                                    related_name="placements")
    mode = models.CharField(_("care mode"), max_length=12, choices=MODE_CHOICES)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    payer = models.CharField(_("paid by"), max_length=12, choices=PAYER_CHOICES)
    over_capacity_reason = models.CharField(_("reason for placing beyond the places"),
                                            max_length=200, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["institution", "mode", "start_date"]),
                   models.Index(fields=["person", "start_date"])]
        constraints = [models.CheckConstraint(
            condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
            name="care_placement_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.institution_id} ({self.mode})"


class WaitingEntry(models.Model):
    """A person waiting for a place of an institution and mode — 托养轮候登记."""

    STATES = [("waiting", _("Waiting")), ("placed", _("Placed")), ("withdrawn", _("Withdrawn"))]

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="care_waiting")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT,
                                    related_name="waiting")
    mode = models.CharField(_("care mode"), max_length=12, choices=MODE_CHOICES)
    applied_on = models.DateField(_("applied on"))
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    carer_age = models.PositiveSmallIntegerField(_("main carer's age"), null=True, blank=True)
    carer_ill = models.BooleanField(_("main carer ill or disabled"), default=False)
    household_type = models.CharField(_("household type"), max_length=20, blank=True)
    points = models.PositiveSmallIntegerField(_("points"), default=0)
    reasons = models.JSONField(_("why"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=STATES, default="waiting")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason"), max_length=200, blank=True)
    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="waiting_entry")

    class Meta:
        ordering = ["institution_id", "mode", "-points", "applied_on", "id"]
        constraints = [models.UniqueConstraint(
            fields=["person", "institution", "mode"], condition=models.Q(state="waiting"),
            name="care_waiting_once")]

    def __str__(self) -> str:
        return f"{self.person_id} waits @ {self.institution_id} ({self.mode})"


class Attendance(models.Model):
    """A day of a day-care placement: present or absent — 日间照料出勤."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="attendance")
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"))
    scanned = models.BooleanField(_("by e-certificate QR"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "placement_id"]
        constraints = [models.UniqueConstraint(fields=["placement", "day"],
                                               name="care_attendance_once_a_day")]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.day} {'✓' if self.present else '✗'}"


class Inspection(models.Model):
    """A quality inspection of an institution against the checklist — 托养服务质量检查评估."""

    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT,
                                    related_name="care_inspections")
    inspected_on = models.DateField(_("inspected on"), db_index=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    results = models.JSONField(_("results"), default=dict)  # item code → pass / fail / na
    score = models.PositiveSmallIntegerField(_("score"))
    grade = models.CharField(_("grade"), max_length=12, choices=GRADE_CHOICES)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.inspected_on} {self.score}"


class Problem(models.Model):
    """A problem an inspection found, to rectify by a deadline and re-inspect — 整改问题."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="problems")
    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT,
                                    related_name="care_problems")
    description = models.CharField(_("problem"), max_length=300)
    deadline = models.DateField(_("rectify by"))
    rectified_on = models.DateField(_("re-inspected and rectified on"), null=True, blank=True)
    note = models.CharField(_("what was found at re-inspection"), max_length=300, blank=True)
    reinspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.description


class Designation(models.Model):
    """A designation agreement with an institution — 定点服务协议（定点准入）: the services
    it may provide for the federation's programmes, the period and the prices (yuan a day
    per care mode); ended early on exit (动态退出)."""

    SERVICES = [("care", _("Care")), ("rehabilitation", _("Rehabilitation")),
                ("training", _("Vocational training"))]

    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT,
                                    related_name="designations")
    service = models.CharField(_("designated for"), max_length=16, choices=SERVICES)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    services = models.CharField(_("services agreed"), max_length=300)
    prices = models.JSONField(_("prices (yuan a day per care mode)"), default=dict)
    ended_on = models.DateField(_("exited on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for the exit"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="care_designation_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.service} {self.start_date}–{self.end_date}"



class Contract(models.Model):
    """A contract for a service the federation buys — 政府购买服务合同: the catalogue item,
    the provider, the period, the budget, the unit price, what is to be delivered, and the
    performance evaluation at the end (全过程绩效管理)."""

    service_type = models.ForeignKey("services.ServiceType", verbose_name=_("catalogue item"),
                                     on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("provider"), max_length=120)
    region = models.ForeignKey("regions.Region", verbose_name=_("area served"),
                               on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("unit price (yuan per service)"), max_digits=10,
                                     decimal_places=2)
    quantity = models.PositiveIntegerField(_("services contracted"))
    deliverables = models.CharField(_("deliverables"), max_length=300)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    evaluation = models.JSONField(_("evaluation"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="care_contract_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.provider} · {self.service_type_id}"


class Delivery(models.Model):
    """One delivery under a contract — 购买服务履约记录: the service record it made for the
    person, and the person's satisfaction (1–5) if asked."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="deliveries")
    service = models.OneToOneField("services.ServiceRecord", on_delete=models.PROTECT,
                                   related_name="contract_delivery")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True,
                                                    blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.contract_id} · {self.service_id}"
