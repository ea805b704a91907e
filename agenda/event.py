"""The Event: fields, validation from a form, JSON for the versioned store. No Flask here.

An event is stored as pretty JSON (one field per line, so history diffs read well)
in its own DocumentStore; a few fields are copied into the revision's meta so
lists can filter without parsing. All times are local wall times in Europe/Paris.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta

from agenda import recurrence as rec
from i18n import N_

DRAFT, PUBLISHED, CANCELLED = "brouillon", "publie", "annule"
STATUSES = {DRAFT: "en cours de rédaction", PUBLISHED: "publié", CANCELLED: "annulé"}
KINDS = {
    "portes-ouvertes": "Portes ouvertes",
    "atelier": "Atelier",
    "reunion-reseau": "Réunion du réseau",
    "permanence": "Permanence",
    "autre": "Autre rendez-vous",
}
REPEAT_LABELS = {
    rec.NONE: "Une seule fois",
    rec.WEEKLY: "Chaque semaine",
    rec.MONTHLY_DATE: "Chaque mois, le même jour du mois",
    rec.MONTHLY_WEEKDAY: "Chaque mois, le même jour de la semaine (ex. : 2e mardi)",
}
PRICES = {"gratuit": "Gratuit", "participation": "Participation libre ou modique", "payant": "Payant"}
PLACE_STRUCTURE, PLACE_OTHER = "structure", "autre"

MAX_TITLE = 150
MAX_DESCRIPTION = 20_000
MAX_SHORT = 300
MAX_TEXT = 1_000
MAX_DAYS_ONE_EVENT = 14
MAX_YEARS_AHEAD = 3
NETWORK = ""  # structure slug of an event of the whole network

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME_RE = re.compile(r"^(\d{1,2})[:hH](\d{2})?$")


class EventError(ValueError):
    """An event could not be saved; errors maps form field names to French messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class Event:
    """One event (a single date or a weekly / monthly repetition)."""

    title: str
    start: str                       # local wall time "2026-12-03T14:00"
    end: str                         # local wall time
    kind: str = "autre"
    description: str = ""            # Markdown (rendered by wiki.markup only)
    repeat: str = rec.NONE
    until: str = ""                  # "2027-06-30" (last day of the repetition)
    structure: str = NETWORK         # directory slug, or "" for the network
    place: str = PLACE_STRUCTURE     # "structure": the structure's address; "autre": below
    place_name: str = ""
    address: str = ""
    internal: bool = False           # network-internal: members only, never in public outputs
    publics: list[str] = field(default_factory=list)
    besoins: list[str] = field(default_factory=list)
    price: str = "gratuit"
    price_details: str = ""
    registration: bool = False
    registration_how: str = ""
    picture: str = ""                # media id (see agenda.pictures)
    picture_alt: str = ""
    status: str = DRAFT
    cancel_reason: str = ""
    minutes_page: str = ""           # wiki page of the meeting minutes
    exceptions: dict[str, str] = field(default_factory=dict)  # "2026-12-22" -> why it is off

    # -- derived values

    @property
    def start_dt(self) -> datetime:
        """Aware start (Europe/Paris)."""
        return _aware(self.start)

    @property
    def end_dt(self) -> datetime:
        """Aware end of the first occurrence (Europe/Paris)."""
        return _aware(self.end)

    @property
    def until_date(self) -> date | None:
        """Last day of the repetition, or None."""
        return date.fromisoformat(self.until) if self.until and self.repeat != rec.NONE else None

    @property
    def last_day(self) -> date:
        """Local day the last occurrence ends (for archives and 'past' tests)."""
        last = self.until_date
        if last is None:
            return self.end_dt.date()
        occurrences = rec.expand(self.start_dt, self.end_dt, self.repeat, last)
        return occurrences[-1].end.date() if occurrences else self.end_dt.date()

    def occurrences(self, window: tuple[datetime, datetime] | None = None) -> list[rec.Occurrence]:
        """Concrete occurrences, optionally only those overlapping window."""
        return rec.expand(self.start_dt, self.end_dt, self.repeat, self.until_date, window,
                          self.exceptions)

    @property
    def repeat_text(self) -> str:
        """« chaque mardi jusqu'au … » or ""."""
        return rec.describe_repeat(self.start_dt.date(), self.repeat, self.until_date)

    @property
    def is_free(self) -> bool:
        """Whether the event costs nothing."""
        return self.price == "gratuit"

    # -- storage

    def to_text(self) -> str:
        """Pretty JSON: one field per line so that history diffs are readable."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def meta(self) -> dict:
        """What lists need without parsing the text (copied into the revision's meta)."""
        return {"status": self.status, "internal": self.internal, "structure": self.structure,
                "kind": self.kind, "start": self.start, "last_day": self.last_day.isoformat()}

    @classmethod
    def from_text(cls, text: str) -> Event:
        """Read an event back from its stored JSON (unknown keys ignored)."""
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _aware(value: str) -> datetime:
    naive = datetime.fromisoformat(value)
    return rec.resolve(naive.date(), naive.time())


# ---------------------------------------------------------------- validation


def _clean_line(value: str) -> str:
    """One line of text: control characters removed, spaces collapsed, NFC."""
    value = unicodedata.normalize("NFC", value or "")
    value = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(value.split())


def _clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable()).strip()


# Field names in messages, with their capitalised form (message starts).
_CAPITALS = {
    "la date de début": N_("La date de début"), "la date de fin": N_("La date de fin"),
    "l'heure de début": N_("L'heure de début"), "l'heure de fin": N_("L'heure de fin"),
    "la date de fin de la répétition": N_("La date de fin de la répétition"), "la date": N_("La date"),
}


def _capital(label: str) -> str:
    return _CAPITALS.get(label) or label.capitalize()


def _too_long(maximum: int) -> str:
    return N_("Ce texte est trop long : %(n)d caractères au plus.", n=maximum)


def parse_date(raw: str, label: str) -> tuple[date | None, str | None]:
    """A date from a form (YYYY-MM-DD, or DD/MM/YYYY), or a French message."""
    raw = (raw or "").strip()
    if not raw:
        return None, N_("Indiquez %(label)s.", label=label)
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", raw)
    if m:
        raw = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    m = _DATE_RE.match(raw)
    if not m:
        return None, N_("%(label)s n'est pas une date (attendu : jj/mm/aaaa).", label=_capital(label))
    year, month, day = (int(x) for x in m.groups())
    if not 1 <= month <= 12:
        return None, N_("%(label)s : le mois %(month)d n'existe pas.", label=_capital(label), month=month)
    if month == 2 and day == 29:
        try:
            return date(year, 2, 29), None
        except ValueError:
            return None, N_("Le 29 février %(year)d n'existe pas : %(year)d n'est pas une année "
                            "bissextile. Choisissez le 28 février ou le 1er mars.", year=year)
    try:
        return date(year, month, day), None
    except ValueError:
        return None, N_("Le %(date)s n'existe pas.", date=f"{day} {rec.month_name(month)} {year}")


def parse_time(raw: str, label: str) -> tuple[time | None, str | None]:
    """A time from a form (14:30, 14h30, 14h), or a French message."""
    raw = (raw or "").strip()
    if not raw:
        return None, N_("Indiquez %(label)s.", label=label)
    m = _TIME_RE.match(raw)
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        return None, N_("%(label)s n'est pas une heure (attendu : hh:mm, par exemple 14:30).",
                        label=_capital(label))
    return time(int(m.group(1)), int(m.group(2) or 0)), None


def _clock_problem(day: date, clock: time, what: str) -> tuple[str | None, str | None]:
    """(error, notice) for a local time on a night the clocks change."""
    kind = rec.local_kind(day, clock)
    if kind == "missing":
        return N_("%(what)s n'existe pas : dans la nuit du %(day)s, les horloges passent de 2 h "
                  "à 3 h (heure d'été). Choisissez 3 h ou plus tard.",
                  what=_capital(what), day=rec.format_day(day)), None
    if kind == "twice":
        return None, N_("%(what)s existe deux fois dans la nuit du %(day)s (retour à l'heure "
                        "d'hiver) : c'est la première, en heure d'été, qui est retenue.",
                        what=_capital(what), day=rec.format_day(day))
    return None, None


def validate(form: Mapping[str, object], *, today: date,
             structure_status: Callable[[str], str | None] | None = None,
             choices: Mapping[str, Mapping[str, str]] | None = None) -> tuple[Event, list[str]]:
    """Build an Event from form values; raise EventError (all messages) or return (event, notices).

    structure_status(slug) says "publiee", "brouillon", "archivee"... or None for an unknown
    slug (None as a function: the directory is not there, any slug is accepted).
    choices: {"publics": {value: label}, "besoins": {value: label}} accepted values.
    """
    errors: dict[str, str] = {}
    notices: list[str] = []

    def get(name: str) -> str:
        value = form.get(name, "")
        return value if isinstance(value, str) else ""

    def getlist(name: str) -> list[str]:
        getter = getattr(form, "getlist", None)
        values = getter(name) if getter else form.get(name) or []
        return [v for v in ([values] if isinstance(values, str) else values) if v]

    title = _clean_line(get("title"))
    if not title:
        errors["title"] = N_("Donnez un titre à l'événement.")
    elif len(title) > MAX_TITLE:
        count = f"{len(title):,}".replace(",", " ")
        errors["title"] = N_("Le titre est trop long (%(count)s caractères) : %(max)d au plus. "
                             "Mettez les détails dans la description.", count=count, max=MAX_TITLE)
    description = _clean_text(get("description"))
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = N_("La description est trop longue (%(count)d caractères) : "
                                   "%(max)d au plus.", count=len(description), max=MAX_DESCRIPTION)
    kind = get("kind") or "autre"
    if kind not in KINDS:
        errors["kind"] = N_("Choisissez un type d'événement dans la liste.")

    start_day, err = parse_date(get("start_date"), N_("la date de début"))
    if err:
        errors["start_date"] = err
    start_clock, err = parse_time(get("start_time"), N_("l'heure de début"))
    if err:
        errors["start_time"] = err
    end_day_raw = get("end_date").strip()
    end_day = start_day
    if end_day_raw:
        end_day, err = parse_date(end_day_raw, N_("la date de fin"))
        if err:
            errors["end_date"] = err
    end_clock, err = parse_time(get("end_time"), N_("l'heure de fin"))
    if err:
        errors["end_time"] = err

    start = end = None
    if start_day and start_clock:
        err, note = _clock_problem(start_day, start_clock, N_("l'heure de début"))
        if err:
            errors["start_time"] = err
        else:
            start = rec.resolve(start_day, start_clock)
            if note:
                notices.append(note)
        if not today.year - 10 <= start_day.year <= today.year + MAX_YEARS_AHEAD:
            errors["start_date"] = N_("L'année %(year)d semble fausse : vérifiez la date de début.",
                                      year=start_day.year)
    if end_day and end_clock:
        err, note = _clock_problem(end_day, end_clock, N_("l'heure de fin"))
        if err:
            errors["end_time"] = err
        else:
            end = rec.resolve(end_day, end_clock)
            if note:
                notices.append(note)
    if start is not None and end is not None and "end_date" not in errors:
        if end <= start:
            errors["end_time"] = N_("La fin doit être après le début (vérifiez la date et l'heure de fin).")
        elif end - start > timedelta(days=MAX_DAYS_ONE_EVENT):
            errors["end_date"] = N_("Un événement dure au plus %(n)d jours ; pour un rendez-vous "
                                    "régulier, choisissez une répétition.", n=MAX_DAYS_ONE_EVENT)

    repeat = get("repeat") or rec.NONE
    until = ""
    if repeat not in rec.REPEATS:
        errors["repeat"] = N_("Choisissez une répétition dans la liste.")
    elif repeat != rec.NONE and start_day:
        if start is not None and end is not None and end - start > timedelta(hours=24):
            errors["end_date"] = N_("Un rendez-vous qui se répète dure au plus 24 heures.")
        cap = start_day + timedelta(days=rec.MAX_REPEAT_DAYS - 1)
        until_raw = get("until").strip()
        until_day = None
        if until_raw:
            until_day, err = parse_date(until_raw, N_("la date de fin de la répétition"))
            if err:
                errors["until"] = err
            elif until_day < start_day:
                errors["until"] = N_("La répétition se termine avant le premier rendez-vous : vérifiez les dates.")
            elif until_day > cap:
                notices.append(N_("Une répétition dure un an au plus : elle s'arrêtera le %(day)s. "
                                  "Vous pourrez la prolonger ensuite.", day=rec.format_day(cap)))
                until_day = cap
        else:
            until_day = cap
            notices.append(N_("Sans date de fin, la répétition s'arrête au bout d'un an, le %(day)s. "
                              "Vous pourrez la prolonger ensuite.", day=rec.format_day(cap)))
        if until_day and "until" not in errors:
            until = until_day.isoformat()
            if repeat == rec.MONTHLY_DATE and start_day.day > 28:
                if start_day.day == 29 and start_day.month == 2:
                    notices.append(N_("Répétition le 29 de chaque mois : en février des années non "
                                      "bissextiles, il n'y aura pas de rendez-vous."))
                else:
                    notices.append(N_("Les mois sans jour %(day)d n'auront pas de rendez-vous (choisissez "
                                      "« le même jour de la semaine » pour en avoir un chaque mois).",
                                      day=start_day.day))

    structure = _clean_line(get("structure")).lower()
    if structure and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", structure):
        errors["structure"] = N_("Choisissez une structure de l'annuaire dans la liste.")
    elif structure and structure_status is not None:
        status = structure_status(structure)
        if status is None:
            errors["structure"] = N_("Aucune fiche « %(slug)s » dans l'annuaire : choisissez-en une "
                                     "dans la liste.", slug=structure)
        elif status not in ("publiee", "published", "publie"):
            notices.append(N_("La fiche de cette structure n'est pas publiée : l'événement restera "
                              "réservé aux membres du réseau tant qu'elle ne l'est pas."))

    place = get("place") or PLACE_STRUCTURE
    place_name = _clean_line(get("place_name"))
    address = _clean_line(get("address"))
    if place not in (PLACE_STRUCTURE, PLACE_OTHER):
        errors["place"] = N_("Choisissez le lieu.")
    elif place == PLACE_STRUCTURE and not structure:
        errors["place"] = N_("Un événement du réseau n'a pas d'adresse de structure : "
                             "choisissez « un autre lieu » et indiquez l'adresse.")
    elif place == PLACE_OTHER and not address:
        errors["address"] = N_("Indiquez l'adresse du lieu.")
    for name, value in (("place_name", place_name), ("address", address)):
        if len(value) > MAX_SHORT:
            errors[name] = _too_long(MAX_SHORT)

    choices = choices or {}
    selected: dict[str, list[str]] = {}
    for name, label in (("publics", N_("Choisissez chaque public dans la liste.")),
                        ("besoins", N_("Choisissez chaque besoin dans la liste."))):
        values = list(dict.fromkeys(getlist(name)))
        allowed = choices.get(name)
        if allowed is not None and any(v not in allowed for v in values):
            errors[name] = label
        selected[name] = values[:30]

    price = get("price") or "gratuit"
    if price not in PRICES:
        errors["price"] = N_("Choisissez gratuit, participation ou payant.")
    price_details = _clean_line(get("price_details"))
    if len(price_details) > MAX_SHORT:
        errors["price_details"] = _too_long(MAX_SHORT)
    registration = get("registration") == "1"
    registration_how = _clean_text(get("registration_how"))
    if registration and not registration_how:
        errors["registration_how"] = N_("Dites comment s'inscrire (téléphone, courriel, sur place…).")
    elif len(registration_how) > MAX_TEXT:
        errors["registration_how"] = _too_long(MAX_TEXT)

    status = get("status") or DRAFT
    cancel_reason = _clean_text(get("cancel_reason"))
    if status not in STATUSES:
        errors["status"] = N_("Choisissez un état dans la liste.")
    elif status == CANCELLED and not cancel_reason:
        errors["cancel_reason"] = N_("Dites pourquoi l'événement est annulé : la raison sera affichée.")
    if len(cancel_reason) > MAX_TEXT:
        errors["cancel_reason"] = _too_long(MAX_TEXT)
    internal = get("internal") == "1"
    picture_alt = _clean_line(get("picture_alt"))
    if len(picture_alt) > MAX_SHORT:
        errors["picture_alt"] = _too_long(MAX_SHORT)

    exceptions: dict[str, str] = {}
    raw_exceptions = _clean_text(get("exceptions"))
    if raw_exceptions and repeat == rec.NONE:
        errors["exceptions"] = N_("Seul un rendez-vous qui se répète peut avoir des dates annulées : "
                                  "pour annuler l'événement, choisissez l'état « annulé ».")
    elif raw_exceptions and start_day and until and "until" not in errors:
        days = set(rec.repeat_days(start_day, repeat, date.fromisoformat(until)))
        for number, line in enumerate(raw_exceptions.splitlines()[:60], start=1):
            line = line.strip()
            if not line:
                continue
            m = re.match(r"^(\S+)\s*(?:[—–:-]\s*)?(.*)$", line)
            day, err = parse_date(m.group(1) if m else line, N_("la date"))
            if err:
                errors["exceptions"] = N_("Ligne %(n)d : %(error)s", n=number, error=err)
                break
            if day not in days:
                errors["exceptions"] = N_("Ligne %(n)d : le %(day)s n'est pas une date de cette répétition.",
                                          n=number, day=rec.format_day(day, weekday=True))
                break
            reason = _clean_line(m.group(2) if m else "")[:MAX_SHORT]
            exceptions[day.isoformat()] = reason or "annulé"

    if errors:
        raise EventError(errors)
    event = Event(
        title=title, kind=kind, description=description,
        # Wall times as typed (a time in the spring gap was refused above).
        start=datetime.combine(start_day, start_clock).isoformat(timespec="minutes"),
        end=datetime.combine(end_day, end_clock).isoformat(timespec="minutes"),
        repeat=repeat, until=until, structure=structure, place=place,
        place_name=place_name, address=address, internal=internal,
        publics=selected["publics"], besoins=selected["besoins"], price=price,
        price_details=price_details, registration=registration,
        registration_how=registration_how if registration else "",
        picture_alt=picture_alt, status=status,
        cancel_reason=cancel_reason if status == CANCELLED else "",
        exceptions=exceptions,
    )
    return event, notices


def form_values(event: Event | None) -> dict[str, object]:
    """The form fields of an event (to fill the edit form)."""
    if event is None:
        return {"kind": "autre", "repeat": rec.NONE, "place": PLACE_STRUCTURE, "price": "gratuit",
                "status": DRAFT, "publics": [], "besoins": []}
    values = asdict(event)
    start, end = datetime.fromisoformat(event.start), datetime.fromisoformat(event.end)
    values.update(start_date=start.date().isoformat(), start_time=start.strftime("%H:%M"),
                  end_date=end.date().isoformat() if end.date() != start.date() else "",
                  end_time=end.strftime("%H:%M"),
                  exceptions="\n".join(f"{date.fromisoformat(d).strftime('%d/%m/%Y')} — {why}"
                                       for d, why in sorted(event.exceptions.items())))
    return values


def new_name(event: Event, exists: Callable[[str], bool]) -> str:
    """A stable document name for a new event: date and slug of the title, made unique."""
    from wiki.names import slugify

    base = f"{event.start[:10]}-{(slugify(event.title) or 'evenement')[:60].strip('-')}"
    name, n = base, 2
    while exists(name):
        name, n = f"{base}-{n}", n + 1
    return name
