"""Application states in plain words for citizens (办件进度). No database code.

Staff labels ("reviewed", "assessed") mean little to a citizen. Each state here says what
has happened and what comes next, in short sentences, as GB/T 37668 and plain-language
guidance ask. Keys are (application type, state).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DONE, WAITING, STOPPED = "done", "waiting", "stopped"

PLAIN: dict[tuple[str, str], tuple[str, object, object]] = {
    # -- certificates: 办证 --
    ("certificate", "applied"): (WAITING, _("Received"),
                                 _("We have your application. A doctor will assess you; "
                                   "your village worker will tell you when and where.")),
    ("certificate", "assessed"): (WAITING, _("Being checked"),
                                  _("Township staff are checking your application.")),
    ("certificate", "reviewed"): (WAITING, _("Checked by the township"),
                                  _("The federation is making the decision.")),
    ("certificate", "approved"): (WAITING, _("Approved"),
                                  _("Your certificate is being made. You will be told when to "
                                    "collect it.")),
    ("certificate", "issued"): (DONE, _("Finished"),
                                _("Your certificate is ready. You can show the electronic "
                                  "certificate on this site.")),
    ("certificate", "completed"): (DONE, _("Finished"), _("This application is finished.")),
    ("certificate", "rejected"): (STOPPED, _("Not approved"),
                                  _("This application was not approved. The reason is shown "
                                    "below. You can ask your village worker for help.")),
    ("certificate", "withdrawn"): (STOPPED, _("Withdrawn"), _("This application was withdrawn.")),
    # the two subsidies (两项补贴)
    ("subsidy", "prefilled"): (WAITING, _("Ready for you to confirm"),
                               _("We filled in this application for you. Check it and send it.")),
    ("subsidy", "applied"): (WAITING, _("Received"),
                             _("We have your application. Township staff will check it.")),
    ("subsidy", "reviewed"): (WAITING, _("Checked by the township"),
                              _("The federation is making the decision.")),
    ("subsidy", "approved"): (DONE, _("Approved"),
                              _("You will be paid every month into your bank account.")),
    ("subsidy", "rejected"): (STOPPED, _("Not approved"),
                              _("This application was not approved. The reason is shown below.")),
    ("subsidy", "withdrawn"): (STOPPED, _("Withdrawn"), _("This application was withdrawn.")),
    # home-accessibility renovation (家庭无障碍改造)
    ("renovation", "applied"): (WAITING, _("Received"),
                                _("Staff will visit your home to see what needs to change.")),
    ("renovation", "assessed"): (WAITING, _("Home visit done"),
                                 _("A builder is being chosen for the work.")),
    ("renovation", "contracted"): (WAITING, _("Builder chosen"), _("The work will start soon.")),
    ("renovation", "completed"): (WAITING, _("Work finished"),
                                  _("Staff will come to check the work.")),
    ("renovation", "accepted"): (DONE, _("Finished"), _("The work was checked and accepted.")),
    ("renovation", "rejected"): (STOPPED, _("Not approved"), _("This request was not approved.")),
    # rehabilitation and assistive devices (康复、辅具)
    ("service", "submitted"): (WAITING, _("Received"),
                               _("Township staff will contact you about this request.")),
    ("service", "accepted"): (WAITING, _("Accepted"),
                              _("The service is being arranged. Staff will contact you.")),
    ("service", "done"): (DONE, _("Finished"), _("The service was given.")),
    ("service", "declined"): (STOPPED, _("Not approved"),
                              _("This request was not approved. The reason is shown below.")),
    # “1+X” programmes (项目申请)
    ("programme", "applied"): (WAITING, _("Received"),
                               _("We have your application. Township staff will check it.")),
    ("programme", "reviewed"): (WAITING, _("Checked by the township"),
                                _("The federation is making the decision.")),
    ("programme", "approved"): (DONE, _("Approved"),
                                _("The reasons are shown below. Staff will tell you when the "
                                  "benefit starts.")),
    ("programme", "refused"): (STOPPED, _("Not approved"),
                               _("This application was not approved. The reason is shown below.")),
    ("programme", "withdrawn"): (STOPPED, _("Withdrawn"), _("This application was withdrawn.")),
    ("programme", "ended"): (STOPPED, _("Ended"),
                             _("The conditions are no longer met, so the benefit has stopped. "
                               "The reason is shown below.")),
    # contact details (联系方式变更)
    ("contact", "pending"): (WAITING, _("Received"),
                             _("Staff will check the new details, usually within 3 working days.")),
    ("contact", "approved"): (DONE, _("Changed"), _("Your new details are on record.")),
    ("contact", "rejected"): (STOPPED, _("Not changed"), _("The reason is shown below.")),
}


def plain(kind: str, state: str) -> tuple[str, str, str]:
    """(stage, headline, what happens next) for an application's state."""
    stage, headline, next_step = PLAIN.get((kind, state), (WAITING, state, ""))
    return stage, str(headline), str(next_step)
