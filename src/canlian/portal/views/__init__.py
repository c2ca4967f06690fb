"""Portal pages, one module per part: signing in, home and settings, applying, tracking."""

from .applications import application_detail, applications, ecert, ecert_download, withdraw
from .apply import apply_certificate, apply_service, apply_subsidy, change_contact
from .files import upload_file
from .first import first_apply, first_code, first_start, first_status
from .home import choose_person, display_settings, home
from .privacy import access_log, consent, correction, download, privacy_home
from .programmes import apply_programme
from .ratings import rate, ratings
from .rights import rights_case, rights_new
from .signin import outbox, sign_in, sign_in_code, sign_in_oidc, sign_in_oidc_return, sign_out

__all__ = [
    "access_log",
    "application_detail",
    "applications",
    "apply_certificate",
    "apply_programme",
    "apply_service",
    "apply_subsidy",
    "change_contact",
    "choose_person",
    "consent",
    "correction",
    "display_settings",
    "download",
    "ecert",
    "ecert_download",
    "first_apply",
    "first_code",
    "first_start",
    "first_status",
    "home",
    "outbox",
    "privacy_home",
    "rate",
    "ratings",
    "rights_case",
    "rights_new",
    "sign_in",
    "sign_in_code",
    "sign_in_oidc",
    "sign_in_oidc_return",
    "sign_out",
    "upload_file",
    "withdraw",
]
