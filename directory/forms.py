"""The sheet edit form <-> Sheet: field names and parsing (pure; takes a werkzeug MultiDict).

Field names: name, presentation, ..., phone-<i>-number / -label, day-<d>-<i>-start / -end /
-overnight, holidays, holiday-<i>-start / -end, closure-<k>-start / -end / -message /
-<i>-start..., svc-<n>-name ... svc-<n>-thematiques (several), svc-<n>-own_hours and
svc-<n>-day-<d>-<i>-start... Empty rows are ignored, so the form can always offer spare rows.
"""

from __future__ import annotations

from dataclasses import replace

from directory.hours import Closure, Hours, Slot
from directory.sheet import Phone, Photo, Service, Sheet
from i18n import N_

SLOT_ROWS_MIN = 2
EXTRA_PHONES = 1
EXTRA_CLOSURES = 1


def _text(form, key: str, limit: int = 20000) -> str:
    return (form.get(key) or "").replace("\r\n", "\n").strip()[:limit]


def _slots(form, prefix: str, max_rows: int = 12) -> tuple[Slot, ...]:
    out = []
    for i in range(max_rows):
        start, end = _text(form, f"{prefix}-{i}-start", 10), _text(form, f"{prefix}-{i}-end", 10)
        if start or end:
            overnight = form.get(f"{prefix}-{i}-overnight") == "1"
            if end == "00:00" and start != "00:00" and not overnight:
                end = "24:00"  # "until midnight": a time field cannot say 24:00
            out.append(Slot(start, end, overnight))
    return tuple(out)


def hours_from_form(form, prefix: str = "") -> Hours:
    """Read the weekday / slot grid, public holidays and closures."""
    days = tuple(_slots(form, f"{prefix}day-{d}") for d in range(7))
    closures = []
    for k in range(40):
        start, end = _text(form, f"{prefix}closure-{k}-start", 10), _text(form, f"{prefix}closure-{k}-end", 10)
        message = _text(form, f"{prefix}closure-{k}-message", 300)
        slots = _slots(form, f"{prefix}closure-{k}", 4)
        if start or end or message or slots:
            closures.append(Closure(start, end or start, message, slots))
    holidays = form.get(f"{prefix}holidays") or "inconnu"
    holiday_slots = _slots(form, f"{prefix}holiday", 4) if holidays == "special" else ()
    raw = _text(form, f"{prefix}hours_raw", 2000) if form.get(f"{prefix}keep_raw") == "1" else ""
    return Hours(days=days, holidays=holidays, holiday_slots=holiday_slots,
                 closures=tuple(closures), raw=raw)


def _float(form, key: str, errors: dict[str, str]) -> float | None:
    raw = _text(form, key, 40).replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[key] = N_("Écrivez un nombre, par exemple 48.3904 (latitude) ou -4.4861 (longitude).")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors[key] = N_("Écrivez un nombre.")
        return None
    return value


def sheet_from_form(form, base: Sheet | None) -> tuple[Sheet, dict[str, str]]:
    """The sheet the form describes (on top of `base` for what the form does not show)."""
    errors: dict[str, str] = {}
    phones = []
    for i in range(12):
        number, label = _text(form, f"phone-{i}-number", 60), _text(form, f"phone-{i}-label", 100)
        if number or label:
            phones.append(Phone(number, label))
    services = []
    for n in range(60):
        if f"svc-{n}-name" not in form:
            continue
        name = _text(form, f"svc-{n}-name", 300)
        description = _text(form, f"svc-{n}-description")
        if form.get(f"svc-{n}-delete") == "1" or not (name or description):
            continue
        own = form.get(f"svc-{n}-own_hours") == "1"
        services.append(Service(
            name=name, description=description,
            thematiques=tuple(form.getlist(f"svc-{n}-thematiques")),
            type=_text(form, f"svc-{n}-type", 60),
            publics=tuple(form.getlist(f"svc-{n}-publics")),
            publics_details=_text(form, f"svc-{n}-publics_details", 3000),
            access=tuple(form.getlist(f"svc-{n}-access")),
            access_details=_text(form, f"svc-{n}-access_details", 3000),
            documents=_text(form, f"svc-{n}-documents", 3000),
            price=_text(form, f"svc-{n}-price", 30),
            price_details=_text(form, f"svc-{n}-price_details", 3000),
            hours=hours_from_form(form, f"svc-{n}-") if own else None,
            languages=tuple(form.getlist(f"svc-{n}-languages")),
            needs=tuple(form.getlist(f"svc-{n}-needs")),
        ))
    base = base or Sheet(slug="", name="")
    photos = []
    for i, photo in enumerate(base.photos):
        if form.get(f"photo-{i}-delete") == "1":
            continue
        alt = _text(form, f"photo-{i}-alt", 300) if f"photo-{i}-alt" in form else photo.alt
        photos.append(Photo(photo.id, photo.ext, alt, photo.width, photo.height))
    referents = tuple(dict.fromkeys(
        r.strip().lower() for r in _text(form, "referents", 1000).replace(";", ",").split(",")
        if r.strip()))
    sheet = replace(
        base,
        name=_text(form, "name", 300),
        presentation=_text(form, "presentation"),
        structure_type=_text(form, "structure_type", 30),
        address=_text(form, "address", 400),
        postcode=_text(form, "postcode", 20),
        town=_text(form, "town", 200),
        insee=_text(form, "insee", 20),
        latitude=_float(form, "latitude", errors),
        longitude=_float(form, "longitude", errors),
        neighbourhood=_text(form, "neighbourhood", 200),
        transport=_text(form, "transport", 2000),
        step_free=form.get("step_free") or "inconnu",
        animals=form.get("animals") or "inconnu",
        phones=tuple(phones),
        email=_text(form, "email", 300),
        website=_text(form, "website", 2100),
        pro_contact=_text(form, "pro_contact", 2000),
        hours=hours_from_form(form),
        services=tuple(services),
        photos=tuple(photos),
        status=form.get("status") or base.status,
        referents=referents,
        example=base.example and form.get("example") == "1",
    )
    return sheet, errors
