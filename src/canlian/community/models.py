"""Community support records (社区助残): volunteers, visits, emergency protection,
poverty-return watch and accessibility supervision.

Records about a person hang on the person and are scoped through the person's village;
records about places, volunteers and organisations carry their own village, so every
list is one region range on a village code (``accounts.scoping``). Rules live in the
plain modules beside this one; writes go through ``actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Choices in English msgids (translated in locale/); their codes are those of the rule
# modules, which must not import Django (tests/test_models.py keeps the two equal).
SKILL_CHOICES = [
    ("companionship", _("Companionship")), ("daily_care", _("Daily care")),
    ("escort", _("Escort on outings")), ("errands", _("Errands")),
    ("rehab_assist", _("Rehabilitation help")), ("sign_language", _("Sign language")),
    ("reading", _("Reading aloud")), ("repairs", _("Household repairs")),
    ("tutoring", _("Tutoring")), ("legal", _("Legal advice")), ("medical", _("Health care")),
    ("psychological", _("Emotional support")),
]
AVAILABILITY_CHOICES = [("weekday_day", _("Weekdays, daytime")),
                        ("weekday_evening", _("Weekday evenings")), ("weekend", _("Weekends"))]
MOBILITY_CHOICES = [("independent", _("Moves independently")),
                    ("aided", _("Walks with help or a stick")),
                    ("wheelchair", _("Uses a wheelchair")), ("bedridden", _("Bedridden"))]
ASSISTIVE_DEVICE_CHOICES = [
    ("wheelchair", _("Wheelchair")), ("walker", _("Walker")), ("crutches", _("Crutches")),
    ("hearing_aid", _("Hearing aid")), ("white_cane", _("White cane")),
    ("prosthesis", _("Prosthesis or orthosis")), ("other", _("Other device")),
]
POWERED_DEVICE_CHOICES = [
    ("oxygen", _("Oxygen concentrator")), ("ventilator", _("Ventilator")),
    ("suction", _("Suction device")), ("dialysis", _("Home dialysis")),
    ("electric_bed", _("Powered bed or air mattress")), ("other", _("Other powered device")),
]
CHECKIN_CHOICES = [("safe", _("Reached, safe")), ("helped", _("Reached, helped")),
                   ("evacuated", _("Evacuated")), ("needs_help", _("Reached, needs help")),
                   ("unreachable", _("Not reachable"))]
SITUATION_CHOICES = [("improved", _("Improved")), ("stable", _("Stable")), ("worse", _("Worse"))]
HELP_CHOICES = [
    ("dibao", _("Helped to apply for dibao")), ("temporary_assistance", _("Temporary assistance")),
    ("medical_assistance", _("Medical assistance")), ("employment", _("Employment help")),
    ("subsidy", _("Disability subsidies")), ("industry", _("Support for a family business")),
    ("education", _("Education support")), ("other", _("Other")),
]
FLAG_CHOICES = [
    ("income_below_line", _("Income below the dibao line, not in dibao")),
    ("income_near_line", _("Income near the dibao line")),
    ("job_loss", _("A household member lost a job")),
    ("medical_costs", _("Large medical costs")),
    ("new_severe_disability", _("A new severe disability in the household")),
]
PLACE_KIND_CHOICES = [
    ("road", _("Road or pavement")), ("transport", _("Public transport")),
    ("hospital", _("Hospital or clinic")), ("service_hall", _("Government service hall")),
    ("park", _("Park or square")), ("other", _("Other public place")),
]
SEVERITY_CHOICES = [("critical", _("Critical")), ("major", _("Major")), ("minor", _("Minor"))]
RESULT_CHOICES = [("pass", _("Meets")), ("fail", _("Fails")), ("na", _("Not applicable"))]


# ---- volunteers (助残志愿者) -------------------------------------------------------------------


class OrganisationKind(models.TextChoices):
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation (社会团体)")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit (民办非企业单位)")
    FOUNDATION = "foundation", _("Foundation (基金会)")
    SELF_HELP = "self_help", _("Self-help group of disabled persons (自助组织)")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team (志愿服务队)")


class Organisation(models.Model):
    """A social organisation serving disabled persons — 助残社会组织."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    village = models.ForeignKey("regions.Region", verbose_name=_("village/community"),
                                on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"level": "village"})
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    services = models.CharField(_("services offered"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["village_id", "name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """A registered volunteer for disabled persons — 助残志愿者."""

    name = models.CharField(_("name"), max_length=50)
    resident_id = models.CharField(_("resident ID number"), max_length=18, blank=True,
                                   db_index=True)
    phone = models.CharField(_("phone"), max_length=20)
    village = models.ForeignKey("regions.Region", verbose_name=_("village/community"),
                                on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"level": "village"})
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="volunteers")
    skills = models.JSONField(_("skills"), default=list)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["village_id", "name", "id"]
        verbose_name = _("volunteer")
        constraints = [models.UniqueConstraint(fields=["resident_id"], condition=~models.Q(resident_id=""),
                                               name="volunteer_resident_id_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        from canlian.people.idnumber import mask

        return mask(self.resident_id) if self.resident_id else ""


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a volunteer")
    ASSIGNED = "assigned", _("Volunteer assigned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("volunteer request", "Cancelled")


class ServiceRequest(models.Model):
    """A request for volunteer help, from a disabled person or a worker — 志愿服务需求."""

    SOURCES = [("person", _("The person or the guardian")), ("worker", _("A worker"))]
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="volunteer_requests")
    source = models.CharField(_("requested by"), max_length=8, choices=SOURCES)
    skill = models.CharField(_("help needed"), max_length=20,
                             choices=SKILL_CHOICES)
    slot = models.CharField(_("preferred time"), max_length=16, blank=True,
                            choices=AVAILABILITY_CHOICES)
    description = models.CharField(_("description"), max_length=300)
    wanted_on = models.DateField(_("wanted on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN, db_index=True)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="requests")
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_on = models.DateField(_("created on"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("volunteer service request")

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_skill_display()}"


class LogStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class ServiceLog(models.Model):
    """Hours a volunteer served a person — 志愿服务记录; counted once confirmed."""

    CONFIRMERS = [("person", _("The person served (signed)")), ("worker", _("A worker"))]
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="logs")
    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="logs")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="volunteer_logs")
    served_on = models.DateField(_("served on"), db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    description = models.CharField(_("what was done"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=LogStatus.choices,
                              default=LogStatus.PENDING, db_index=True)
    confirmed_kind = models.CharField(_("confirmed by"), max_length=8, choices=CONFIRMERS,
                                      blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    confirm_note = models.CharField(_("confirmation note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")

    class Meta:
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["volunteer", "status", "served_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0),
                                              name="service_log_hours_positive")]
        verbose_name = _("volunteer service log")

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.served_on} {self.hours}h"


# ---- the person's circumstances (照护状况) ------------------------------------------------------


class CareProfile(models.Model):
    """What visits and the emergency roster need to know of a person — 照护状况."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE,
                                  related_name="care_profile")
    lives_alone = models.BooleanField(_("lives alone (独居)"), default=False)
    mobility = models.CharField(_("mobility"), max_length=12, default="independent",
                                choices=MOBILITY_CHOICES)
    assistive_devices = models.JSONField(_("assistive devices used"), default=list, blank=True)
    powered_devices = models.JSONField(_("medical devices needing power"), default=list,
                                       blank=True)
    needs_power = models.BooleanField(default=False, editable=False)  # powered_devices != []
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_on = models.DateField(_("updated on"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")

    class Meta:
        verbose_name = _("care profile")

    def __str__(self) -> str:
        return f"{self.person_id}"


# ---- visits (走访探视) ------------------------------------------------------------------------


class Visit(models.Model):
    """A home visit — 走访探视, with its findings and the follow-up it calls for."""

    KINDS = [("home", _("Home visit")), ("phone", _("Phone or video call"))]
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    kind = models.CharField(_("kind"), max_length=6, choices=KINDS, default="home")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                related_name="+")
    findings = models.TextField(_("findings"))
    follow_up = models.CharField(_("follow-up action"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up result"), max_length=300, blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["person", "-visited_on"])]
        verbose_name = _("visit")

    def __str__(self) -> str:
        return f"{self.person_id} {self.visited_on}"


# ---- emergency protection (应急保护) ------------------------------------------------------------


class RosterEntry(models.Model):
    """A person on the emergency protection roster — 应急保护名册, with the contact person
    (帮包联系人) and the pairing (结对). Removed entries are kept, with the date."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT,
                                  related_name="roster_entry")
    contact_name = models.CharField(_("contact person (帮包联系人)"), max_length=50)
    contact_phone = models.CharField(_("contact's phone"), max_length=20)
    contact_relation = models.CharField(_("contact's relation"), max_length=30, blank=True)
    paired_volunteer = models.ForeignKey(Volunteer, verbose_name=_("paired volunteer (结对)"),
                                         on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="pairings")
    paired_since = models.DateField(_("paired since"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority points"), default=0)
    powered = models.BooleanField(_("medical device needing power"), default=False)
    level = models.CharField(_("priority level"), max_length=20, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    added_on = models.DateField(_("added on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)

    class Meta:
        ordering = ["-priority", "-powered", "person__birth_date", "person__name", "person_id"]
        indexes = [models.Index(fields=["-priority", "-powered"], name="roster_priority")]
        verbose_name = _("emergency roster entry")

    def __str__(self) -> str:
        return f"{self.person_id} ({self.priority})"


class EmergencyKind(models.TextChoices):
    TYPHOON = "typhoon", _("Typhoon (台风)")
    FLOOD = "flood", _("Flood or heavy rain")
    HEAT_COLD = "heat_cold", _("Heat wave or cold spell")
    POWER_CUT = "power_cut", _("Power cut")
    EARTHQUAKE = "earthquake", _("Earthquake")
    EPIDEMIC = "epidemic", _("Epidemic")
    OTHER = "other", _("Other")


class Emergency(models.Model):
    """A declared emergency — 突发事件应急响应; its check-in board covers its region."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=EmergencyKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("area"), on_delete=models.PROTECT,
                               related_name="+")
    declared_at = models.DateTimeField(_("declared at"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("emergency")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CheckIn(models.Model):
    """That a person on the roster was reached during an emergency — 应急联络签到."""

    emergency = models.ForeignKey(Emergency, on_delete=models.PROTECT, related_name="checkins")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("result"), max_length=12,
                             choices=CHECKIN_CHOICES)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["emergency", "person"],
                                               name="one_checkin_per_person")]
        verbose_name = _("emergency check-in")

    def __str__(self) -> str:
        return f"{self.emergency_id} {self.person_id} {self.state}"


# ---- poverty-return watch (防止返贫动态监测) -----------------------------------------------------


class WatchEvent(models.Model):
    """A shock to a household reported by a worker — 风险事件: a job lost, medical costs."""

    KINDS = [("medical_costs", _("Medical costs (out of pocket)")),
             ("job_loss", _("Job lost")), ("disaster", _("Disaster or accident")),
             ("other", _("Other"))]
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="watch_events")
    household = models.ForeignKey("people.Household", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    occurred_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["kind", "occurred_on"])]
        verbose_name = _("watch event")

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.occurred_on}"


class WatchCase(models.Model):
    """A person on the poverty-return watch list — 防止返贫监测对象."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="watch_cases")
    status = models.CharField(_("status"), max_length=8, default="open", db_index=True,
                              choices=[("open", _("Under watch")), ("closed", _("Risk removed"))])
    opened_on = models.DateField(_("opened on"))
    flags = models.JSONField(_("flags"), default=list)
    screened_on = models.DateField(_("last screened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("why closed"), max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=models.Q(status="open"),
                                               name="one_open_watch_case_per_person")]
        verbose_name = _("poverty-return watch case")

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"


class WatchReview(models.Model):
    """The monthly review of a watch case and the help given — 月度研判与帮扶措施."""

    case = models.ForeignKey(WatchCase, on_delete=models.CASCADE, related_name="reviews")
    month = models.DateField(_("month"))  # first day of the month
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="+")
    situation = models.CharField(_("situation"), max_length=10,
                                 choices=SITUATION_CHOICES)
    help_kinds = models.JSONField(_("help given"), default=list, blank=True)
    help_amount = models.DecimalField(_("amount of help (yuan)"), max_digits=10,
                                      decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["case", "month"],
                                               name="one_review_per_case_month")]
        verbose_name = _("watch review")

    def __str__(self) -> str:
        return f"{self.case_id} {self.month:%Y-%m}"


# ---- accessibility supervision (无障碍监督) -----------------------------------------------------


class Place(models.Model):
    """A public place or facility under accessibility supervision — 无障碍设施监督点位."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=PLACE_KIND_CHOICES)
    village = models.ForeignKey("regions.Region", verbose_name=_("village/community"),
                                on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"level": "village"})
    address = models.CharField(_("address"), max_length=200, blank=True)
    manager = models.CharField(_("managing unit"), max_length=120)
    manager_phone = models.CharField(_("managing unit's phone"), max_length=20, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["village_id", "kind", "name"]
        verbose_name = _("public place")

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """An inspection of a place against the checklist — 无障碍检查."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("inspected on"), db_index=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    results = models.JSONField(_("results"), default=dict)  # item code → pass / fail / na
    passed = models.PositiveSmallIntegerField(_("items met"), default=0)
    failed = models.PositiveSmallIntegerField(_("items failed"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("inspection")

    def __str__(self) -> str:
        return f"{self.place_id} {self.inspected_on}"


class Problem(models.Model):
    """A problem found in an inspection, to rectify by a deadline — 整改问题."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="problems")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="problems")
    item = models.CharField(_("checklist item"), max_length=30)
    description = models.CharField(_("description"), max_length=300)
    severity = models.CharField(_("severity"), max_length=10,
                                choices=SEVERITY_CHOICES)
    found_on = models.DateField(_("found on"))
    deadline = models.DateField(_("rectify by"), db_index=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_note = models.CharField(_("what was done"), max_length=300, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(verified_on__isnull=True)
                                              | models.Q(rectified_on__isnull=False),
                                              name="problem_verified_after_rectified")]
        verbose_name = _("accessibility problem")

    def __str__(self) -> str:
        return f"{self.place_id} {self.item}"


class ProblemPhoto(models.Model):
    """A photo of a problem, before or after rectification — 整改照片."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=10,
                             choices=[("before", _("Before")), ("after", _("After"))])
    image = models.FileField(upload_to="accessibility/%Y/%m/")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name or ""
