"""Who is acting: a member (mediator, moderator...) or a workshop participant, and what they may do.

A participant has no account. The mediator hands the device over: the member session ends
and a signed cookie names the workshop and the participant. It is refreshed at each request
(so it never runs out during a workshop) and stops working when the workshop is closed.
"""

from __future__ import annotations

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from accounts.auth import has_role, is_member
from mediation.model import Contribution, Participant, Workshop

COOKIE = "reperes_atelier"
_SALT = "reperes-atelier-participant"


def store():
    """The mediation store."""
    return current_app.extensions["reperes"]["mediation"]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def participant_token(wid: str, pid: str) -> str:
    """The signed cookie value for a participant in a workshop."""
    return _serializer().dumps({"w": wid, "p": pid})


def set_participant_cookie(response, wid: str, pid: str) -> None:
    """Give the device to a participant (or refresh their cookie)."""
    hours = current_app.config["MEDIATION_PARTICIPANT_HOURS"]
    response.set_cookie(COOKIE, participant_token(wid, pid), max_age=hours * 3600, httponly=True,
                        samesite="Lax", secure=current_app.config["SECURE_COOKIES"], path="/")


def clear_participant_cookie(response) -> None:
    """End the participant's turn on this device."""
    response.delete_cookie(COOKIE, path="/")


def current_participant() -> tuple[Workshop, Participant] | None:
    """The workshop and participant named by a valid cookie (open workshop, known person)."""
    if "mediation_participant" in g:
        return g.mediation_participant
    found = None
    raw = request.cookies.get(COOKIE)
    if raw:
        hours = current_app.config["MEDIATION_PARTICIPANT_HOURS"]
        try:
            data = _serializer().loads(raw, max_age=hours * 3600)
        except BadSignature:
            data = None
        if isinstance(data, dict):
            workshop = store().workshop(str(data.get("w", "")))
            person = store().participant(str(data.get("p", "")))
            if workshop and person and workshop.is_open and person.id in workshop.participants:
                found = (workshop, person)
    g.mediation_participant = found
    return found


def is_mediator() -> bool:
    """A member with the mediateur right (admins have every right)."""
    return has_role("mediateur")


def is_moderator() -> bool:
    """A member with the moderateur right."""
    return has_role("moderateur")


def owns(item: Contribution) -> bool:
    """Whether the participant on this device is the author of the contribution."""
    found = current_participant()
    return bool(found and found[1].id == item.participant)


def can_edit(item: Contribution) -> bool:
    """Mediators continue drafts and refused items; participants their own drafts."""
    if is_mediator():
        return item.status in ("brouillon", "refuse")
    return owns(item) and item.status == "brouillon"


def can_view(item: Contribution) -> bool:
    """Published items by their scope; unpublished ones only with the right (or one's own)."""
    if item.is_public:
        return True
    if is_member() and item.is_visible_to_members:
        return True
    if is_moderator() or is_mediator():
        return True
    return owns(item) and item.status != "retire"
