"""Staff pages of the transfers between deployments (跨省通办) and the inbox the other
deployments post their signed messages to."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.web import AuthedRequest, refusal, requires
from canlian.people import idnumber

from . import actions, peers, signing
from .models import State, Subject

MAX_BODY = 64 * 1024


def _peer_choices() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in peers.all_peers().values()]


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    transfers = [(t, peers.name_of(t.peer))
                 for t in actions.transfers_for(request.user).select_related("village")[:200]]
    error = ""
    rid = request.GET.get("resident_id", "").strip()
    if rid and request.user.can(Capability.APPROVE):
        try:
            rid = idnumber.validate(rid).number
        except idnumber.ResidentIdError as exc:
            error = exc.message
        else:
            person = scoping.people_for(request.user).filter(resident_id=rid).first()
            if person is not None:
                return redirect("transfers:start", person_id=person.pk)
            error = _("No person with this resident ID in your region.")
    return render(request, "transfers/index.html", {
        "transfers": transfers, "error": error, "resident_id": rid,
        "may_move": request.user.can(Capability.APPROVE),
        "may_forward": request.user.can(Capability.MANAGE_CERTIFICATES),
        "configured": bool(peers.all_peers())})


@requires(Capability.APPROVE)
@require_http_methods(["GET", "POST"])
def start(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user), pk=person_id)
    errors: list[str] = []
    values = {"peer": "", "village_code": "", "moved_on": f"{clock.today():%Y-%m-%d}"}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            moved_on = dt.date.fromisoformat(values["moved_on"])
        except ValueError:
            errors = [_("Give the date as YYYY-MM-DD")]
        if not errors:
            with refusal() as refused:
                transfer = actions.start_transfer(
                    request.user, person, peer_code=values["peer"],
                    village_code=values["village_code"], moved_on=moved_on, request=request)
            if not refused:
                actions.deliver_now(transfer.pk)
                return redirect("transfers:detail", pk=transfer.pk)
            errors = refused.messages
    return render(request, "transfers/start.html", {
        "person": person, "peers": _peer_choices(), "values": values,
        "errors": errors}, status=400 if errors else 200)


@requires(Capability.MANAGE_CERTIFICATES)
@require_http_methods(["GET", "POST"])
def forward(request: AuthedRequest) -> HttpResponse:
    errors: list[str] = []
    values = {"peer": "", "subject": "", "resident_id": "", "name": "", "phone": "", "note": "",
              "needs_long_term_care": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        with refusal() as refused:
            transfer = actions.forward_application(
                request.user, peer_code=values["peer"], subject=values["subject"],
                resident_id=values["resident_id"], name=values["name"], phone=values["phone"],
                needs_long_term_care=bool(values["needs_long_term_care"]), note=values["note"],
                request=request)
        if not refused:
            actions.deliver_now(transfer.pk)
            return redirect("transfers:detail", pk=transfer.pk)
        errors = refused.messages
    return render(request, "transfers/forward.html", {
        "peers": _peer_choices(), "subjects": Subject.choices, "values": values,
        "errors": errors}, status=400 if errors else 200)


@requires(Capability.VIEW_PEOPLE)
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(actions.transfers_for(request.user).select_related("person"),
                                 pk=pk)
    peer = peers.get(transfer.peer)
    return render(request, "transfers/detail.html", {
        "t": transfer, "peer_name": peer.name if peer else peers.name_of(transfer.peer),
        "refused": transfer.state == State.REFUSED,
        "masked_id": idnumber.mask(transfer.resident_id),
        "may_send": request.user.can(Capability.MANAGE_CERTIFICATES)})


@requires(Capability.MANAGE_CERTIFICATES)
@require_POST
def send_now(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(actions.transfers_for(request.user), pk=pk)
    if transfer.pending:
        transfer = actions.deliver_now(transfer.pk)
        if transfer.last_error:
            messages.error(request, _("Not delivered: %(error)s. It will be tried again "
                                      "automatically.") % {"error": transfer.last_error})
        else:
            messages.success(request, _("Delivered."))
    return redirect("transfers:detail", pk=transfer.pk)


def _signed(status: int, answer: dict[str, Any], peer: peers.Peer | None) -> HttpResponse:
    body = json.dumps(answer, ensure_ascii=False, sort_keys=True).encode()
    response = HttpResponse(body, status=status, content_type="application/json")
    if peer is not None:  # an answer to an unknown peer cannot be signed
        signed = signing.sign(peer.key, peers.self_code(), "RESPONSE", peers.INBOX_PATH, body,
                              now=time.time())
        for name, value in signed.headers().items():
            response[name] = value
    return response


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    """Messages from other deployments: authorised by the signature of a configured peer
    (no session, no CSRF token); a replayed or stale request is refused."""
    if request.path != peers.INBOX_PATH:
        raise Http404
    try:
        body = request.body[:MAX_BODY + 1]
    except RawPostDataException:  # a form post (read as a form already): not a message
        body = b""
    try:
        signed = signing.read_headers(dict(request.headers))
    except signing.SignatureError as exc:
        return _signed(401, {"error": exc.code, "message": exc.message}, None)
    peer = peers.get(signed.peer)
    if peer is None:
        return _signed(401, {"error": "peer", "message": "unknown peer"}, None)
    try:
        signing.verify(peer.key, signed, request.method or "POST", request.path, body,
                       now=time.time())
    except signing.SignatureError as exc:
        return _signed(401, {"error": exc.code, "message": exc.message}, peer)
    if not actions.check_nonce(peer.code, signed.nonce):
        return _signed(409, {"error": "replay", "message": "this nonce was used before"}, peer)
    if len(body) > MAX_BODY:
        return _signed(413, {"error": "size", "message": "message too large"}, peer)
    try:
        message = json.loads(body)
        if not isinstance(message, dict):
            raise ValueError("not an object")
        return _signed(200, actions.receive(peer, message), peer)
    except ValueError as exc:
        return _signed(400, {"error": "json", "message": str(exc)}, peer)
    except actions.MessageError as exc:
        return _signed(400, {"error": "message", "message": str(exc)}, peer)
