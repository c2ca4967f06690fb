"""Signed e-certificate tokens: genuine, tampered, forged, expired, cancelled, replaced."""

import datetime as dt

from django.core import signing

from canlian.certificates import actions, ecert
from canlian.certificates.models import Certificate
from canlian.certificates.workflow import Kind
from canlian.core import clock


def test_genuine_certificate_verifies(make_person, walk):
    person = make_person(name="欧阳明华")
    walk(person)
    certificate = Certificate.objects.get(person=person)
    result = ecert.verify(actions.verification_token(certificate))
    assert result.verdict == ecert.Verdict.GENUINE
    assert result.masked_name == "欧**华"
    assert person.resident_id not in result.masked_number
    assert result.masked_number.endswith(certificate.number[-4:])


def test_tampered_and_forged_tokens_are_refused(make_person, walk):
    person = make_person()
    walk(person)
    token = actions.verification_token(Certificate.objects.get(person=person))
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert ecert.verify(tampered).verdict == ecert.Verdict.FORGED
    forged = signing.dumps({"c": 1, "n": "x"}, key="not-our-key", salt=ecert.SALT)
    assert ecert.verify(forged).verdict == ecert.Verdict.FORGED
    assert ecert.verify("garbage").verdict == ecert.Verdict.FORGED
    # A genuine signature over a number that is not that certificate's is refused too.
    other = signing.dumps({"c": Certificate.objects.get().pk, "n": "0" * 20}, salt=ecert.SALT)
    assert ecert.verify(other).verdict == ecert.Verdict.FORGED


def test_expired_cancelled_and_replaced(make_person, walk):
    person = make_person()
    walk(person)
    first = Certificate.objects.get(person=person)
    token = actions.verification_token(first)
    later = first.valid_until + dt.timedelta(days=1)
    assert ecert.verify(token, today=later).verdict == ecert.Verdict.EXPIRED
    walk(person, kind=Kind.REISSUE)
    assert ecert.verify(token).verdict == ecert.Verdict.REPLACED
    current = Certificate.objects.get(person=person, status="issued")
    actions.cancel(current, "voluntary", today=clock.today())
    assert ecert.verify(actions.verification_token(current)).verdict == ecert.Verdict.CANCELLED


def test_public_verify_page_needs_no_login_and_shows_little(client, make_person, walk):
    person = make_person(name="张三丰")
    walk(person)
    certificate = Certificate.objects.get(person=person)
    response = client.get(f"/verify/{actions.verification_token(certificate)}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "真实有效" in body
    assert "张*丰" in body
    assert person.resident_id not in body
    assert "张三丰" not in body
    assert client.get("/verify/forged-token/").status_code == 404


def _decodings(token: str) -> str:
    """Everything base64 or plain text can make of a token's parts."""
    import base64
    import contextlib
    import zlib

    out = [token]
    for part in token.replace(":", ".").split("."):
        for pad in ("", "=", "=="):
            try:
                raw = base64.urlsafe_b64decode(part + pad)
            except ValueError:
                continue
            out.append(raw.decode("latin-1"))
            with contextlib.suppress(zlib.error):
                out.append(zlib.decompress(raw).decode("latin-1"))
    return " ".join(out)


def test_the_qr_token_reveals_nothing(make_person, walk):
    """Issue #22: the signed token base64-decoded to the full resident ID, category, grade."""
    person = make_person(name="欧阳明华")
    walk(person)
    certificate = Certificate.objects.get(person=person)
    token = actions.verification_token(certificate)
    decoded = _decodings(token)
    assert person.resident_id not in decoded and certificate.number not in decoded
    assert '"c"' not in decoded and str(certificate.pk) != token
    assert actions.verification_token(Certificate.objects.get(pk=certificate.pk)) == token  # stable
    assert ecert.verify(token).verdict == ecert.Verdict.GENUINE


def test_tokens_printed_before_still_verify(make_person, walk):
    person = make_person()
    walk(person)
    certificate = Certificate.objects.get(person=person)
    legacy = signing.dumps({"c": certificate.pk, "n": certificate.number}, salt=ecert.SALT,
                           compress=True)
    assert ecert.verify(legacy).verdict == ecert.Verdict.GENUINE
