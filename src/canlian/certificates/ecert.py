"""Electronic certificate (电子证照): an opaque QR token and its public verification.

The QR code carries a URL with a random token (128 bits, ``secrets``) stored on the
certificate: it says nothing by itself (the first tokens were signed JSON, which anyone
could base64-decode to the full resident ID, category and grade) and cannot be guessed.
A genuine token of a card that was later cancelled, replaced or has expired is still
recognised and reported as such, because the verdict is read from the database. Tokens
of the earlier signed form, already printed on downloaded cards, are still verified.
The public page shows only what a checker needs: masked name and ID, category, grade,
status.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

import segno
from django.core import signing

from canlian.core import clock
from canlian.people.idnumber import mask

from .models import Certificate, CertificateStatus

SALT = "canlian.certificates.ecert.v1"


class Verdict(StrEnum):
    GENUINE = "genuine"  # 真实有效
    EXPIRED = "expired"  # 已过期
    CANCELLED = "cancelled"  # 已注销
    REPLACED = "replaced"  # 已换发（旧证作废）
    FORGED = "forged"  # 无法验证：伪造或篡改


VERDICT_LABELS = {
    Verdict.GENUINE: "真实有效", Verdict.EXPIRED: "已过有效期", Verdict.CANCELLED: "已注销",
    Verdict.REPLACED: "已换发新证，此证作废", Verdict.FORGED: "无法验证：证件可能伪造或被篡改",
}


TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


def _legacy(token: str) -> Certificate:
    payload = signing.loads(token, salt=SALT)
    return Certificate.objects.select_related("person").get(pk=int(payload["c"]),
                                                             number=str(payload["n"]))


def qr_svg(url: str) -> str:
    """An inline SVG QR code (error correction M), with a text alternative set by the page.

    Drawn with a viewBox and no fixed size (``omitsize``), so the stylesheet scales the whole
    code to the card: a fixed 228 px drawing squeezed into a smaller box was cropped, and
    no phone could read it (issue 23). The 4-module quiet zone is part of the drawing."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff",
                                                 omitsize=True)


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    certificate: Certificate | None = None

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def masked_name(self) -> str:
        return mask_name(self.certificate.person.name) if self.certificate else ""

    @property
    def masked_number(self) -> str:
        return mask(self.certificate.number) if self.certificate else ""


def verify(token: str, today: dt.date | None = None) -> Verification:
    today = today or clock.today()
    try:
        if TOKEN.match(token):
            certificate = Certificate.objects.select_related("person").get(verify_token=token)
        else:
            certificate = _legacy(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError, Certificate.DoesNotExist):
        return Verification(Verdict.FORGED)
    status = certificate.effective_status(today)
    verdict = {
        CertificateStatus.ISSUED: Verdict.GENUINE,
        CertificateStatus.EXPIRED: Verdict.EXPIRED,
        CertificateStatus.CANCELLED: Verdict.CANCELLED,
        CertificateStatus.TRANSFERRED_OUT: Verdict.CANCELLED,
        CertificateStatus.REPLACED: Verdict.REPLACED,
    }[CertificateStatus(status)]
    return Verification(verdict, certificate)
