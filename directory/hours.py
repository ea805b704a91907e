"""Opening hours: a weekday / time-slot form <-> an OpenStreetMap `opening_hours` string.

Staff fill in slots per weekday, say what happens on public holidays and add temporary
closures or exceptional hours with a date range and a message. This module turns that
into the OSM syntax stored in the sheet and exported to data·inclusion, reads back the
subset it writes (for imports), and interprets any OSM string with opening-hours-py
(French public holidays, Europe/Paris) to say in French whether a place is open.

Pure functions: `now` is always passed in, so every answer is testable.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, ParserError, State

from directory.reference import N_
from i18n import date_locale, language, translate

PARIS = ZoneInfo("Europe/Paris")
COUNTRY = "FR"
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = (N_("lundi"), N_("mardi"), N_("mercredi"), N_("jeudi"), N_("vendredi"), N_("samedi"),
             N_("dimanche"))
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")
HOLIDAY_MODES = {
    "inconnu": N_("non communiqué"),
    "ferme": N_("fermé"),
    "habituel": N_("horaires habituels"),
    "special": N_("horaires particuliers"),
}
MAX_SLOTS_PER_DAY = 6
MAX_CLOSURES = 20
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")

# One instance per distinct immutable value read from the sheets (slots, days, hours, code
# tuples): every worker keeps all sheets in memory, and hundreds of them repeat the same ones.
_SHARED: dict = {}


def shared(value):
    """The process-wide instance equal to `value` (hashable, immutable values only)."""
    if len(_SHARED) > 100_000:  # bounded: sheets come and go over months of uptime
        _SHARED.clear()
    return _SHARED.setdefault(value, value)


@dataclass(frozen=True)
class Slot:
    """A time slot "HH:MM"-"HH:MM"; overnight: it ends the next day (e.g. 22:00-02:00)."""

    start: str
    end: str
    overnight: bool = False

    def minutes(self) -> tuple[int, int]:
        """Start and end in minutes from the day's midnight (end > 1440 when overnight)."""
        start, end = _minutes(self.start), _minutes(self.end)
        if self.overnight:
            end += 1440
        return start, end

    def osm(self) -> str:
        """The slot in OSM syntax."""
        return f"{self.start}-{self.end}"

    def label(self) -> str:
        """The slot in French: "9 h – 12 h 30" (", le lendemain" when overnight)."""
        text = f"{french_time(self.start)} – {french_time(self.end)}"
        return text + (" " + translate(N_("(le lendemain)")) if self.overnight else "")


@dataclass(frozen=True)
class Closure:
    """A temporary closure (no slots) or exceptional hours (slots) between two dates."""

    start: str  # ISO date
    end: str    # ISO date, inclusive
    message: str = ""
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class Hours:
    """What the hours form holds. `raw` keeps an imported OSM string the form cannot show."""

    days: tuple[tuple[Slot, ...], ...] = ((),) * 7
    holidays: str = "inconnu"
    holiday_slots: tuple[Slot, ...] = ()
    closures: tuple[Closure, ...] = ()
    raw: str = ""

    @property
    def known(self) -> bool:
        """Whether anything was said about the weekly hours."""
        return bool(self.raw) or any(self.days)

    def to_dict(self) -> dict:
        """Plain data for the sheet's JSON."""
        def slots(items):
            return [[s.start, s.end, s.overnight] for s in items]
        return {
            "days": [slots(day) for day in self.days],
            "holidays": self.holidays,
            "holiday_slots": slots(self.holiday_slots),
            "closures": [{"start": c.start, "end": c.end, "message": c.message,
                          "slots": slots(c.slots)} for c in self.closures],
            "raw": self.raw,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Hours:
        """Read what to_dict wrote (tolerant of missing keys)."""
        data = data or {}

        def slots(items) -> tuple[Slot, ...]:
            return shared(tuple(shared(Slot(str(s[0]), str(s[1]), bool(s[2]) if len(s) > 2 else False))
                                for s in items or ()))
        days = [slots(d) for d in (data.get("days") or [])][:7]
        days += [()] * (7 - len(days))
        return shared(cls(
            days=tuple(days),
            holidays=data.get("holidays") or "inconnu",
            holiday_slots=slots(data.get("holiday_slots")),
            closures=tuple(Closure(str(c.get("start", "")), str(c.get("end", "")),
                                   str(c.get("message", "")), slots(c.get("slots")))
                           for c in data.get("closures") or ()),
            raw=data.get("raw") or "",
        ))


# ---------------------------------------------------------------- formatting helpers


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def french_time(hhmm: str | time | datetime) -> str:
    """"09:00" -> "9 h", "12:30" -> "12 h 30", "00:00"/"24:00" -> "minuit"."""
    if isinstance(hhmm, (time, datetime)):
        hhmm = f"{hhmm.hour:02d}:{hhmm.minute:02d}"
    h, m = (int(x) for x in hhmm.split(":"))
    if (h, m) in ((0, 0), (24, 0)):
        return translate(N_("minuit"))
    if language() != "fr":  # an English page: "9:00", "12:30"
        return f"{h}:{m:02d}"
    return f"{h} h" if m == 0 else f"{h} h {m:02d}"


def french_date(day: date, with_year: bool = True) -> str:
    """date(2026, 3, 3) -> "3 mars 2026" (1er for the first)."""
    if language() != "fr":  # an English page: "3 March 2026"
        from babel.dates import format_date

        return format_date(day, "d MMMM y" if with_year else "d MMMM", locale=date_locale())
    first = "1er" if day.day == 1 else str(day.day)
    text = f"{first} {MONTH_NAMES[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def _osm_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year} {MONTHS[d.month - 1]} {d.day:02d}"


def _day_ranges(indices: list[int]) -> str:
    """[0, 1, 2, 4] -> "Mo-We,Fr"."""
    parts, run = [], [indices[0]]
    for i in indices[1:]:
        if i == run[-1] + 1:
            run.append(i)
        else:
            parts.append(run)
            run = [i]
    parts.append(run)
    out = []
    for r in parts:
        if len(r) == 1:
            out.append(OSM_DAYS[r[0]])
        elif len(r) == 2:
            out.append(f"{OSM_DAYS[r[0]]},{OSM_DAYS[r[1]]}")
        else:
            out.append(f"{OSM_DAYS[r[0]]}-{OSM_DAYS[r[-1]]}")
    return ",".join(out)


def _comment(message: str) -> str:
    clean = " ".join(message.replace('"', "”").split())[:200]
    return f' "{clean}"' if clean else ""


# ---------------------------------------------------------------- form -> OSM


@lru_cache(maxsize=8192)  # Hours is frozen: a list over 1,000 sheets asks the same ones again
def to_osm(hours: Hours) -> str:
    """The OSM opening_hours string for valid hours ("" when nothing is known)."""
    if hours.raw:
        return hours.raw
    if not any(hours.days):
        return ""
    groups: dict[tuple[Slot, ...], list[int]] = {}
    for index, day in enumerate(hours.days):
        if day:
            key = tuple(sorted(day, key=lambda s: s.minutes()))
            groups.setdefault(key, []).append(index)
    rules = [
        f"{_day_ranges(days)} {','.join(s.osm() for s in slots)}"
        for slots, days in sorted(groups.items(), key=lambda item: item[1][0])
    ]
    if hours.holidays == "ferme":
        rules.append("PH off")
    elif hours.holidays == "inconnu":
        rules.append("PH unknown")
    elif hours.holidays == "special" and hours.holiday_slots:
        rules.append("PH " + ",".join(s.osm() for s in hours.holiday_slots))
    for closure in hours.closures:
        span = _osm_date(closure.start)
        if closure.end and closure.end != closure.start:
            span += "-" + _osm_date(closure.end)
        what = ",".join(s.osm() for s in closure.slots) if closure.slots else "off"
        rules.append(f"{span} {what}{_comment(closure.message)}")
    return "; ".join(rules)


# ---------------------------------------------------------------- OSM -> form (our subset)

_DAYSEL = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
_TIMES = r"\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*"
_WEEK_RULE = re.compile(rf"^(?:(?P<days>{_DAYSEL}(?:,{_DAYSEL})*)\s+)?(?P<times>{_TIMES})$")
_PH_RULE = re.compile(rf"^PH\s+(?P<what>off|closed|unknown|{_TIMES})$")
_MON = "|".join(MONTHS)
_DATE_RULE = re.compile(
    rf"^(?P<y1>\d{{4}}) (?P<m1>{_MON}) (?P<d1>\d\d)"
    rf"(?:-(?:(?P<y2>\d{{4}}) )?(?:(?P<m2>{_MON}) )?(?P<d2>\d\d))?"
    rf"\s+(?P<what>off|closed|{_TIMES})(?:\s+\"(?P<msg>[^\"]*)\")?$"
)


def _parse_times(text: str) -> tuple[Slot, ...]:
    out = []
    for part in text.split(","):
        start, end = part.split("-")
        if _minutes(end) > 1440:  # "22:00-26:00" is the same as 22:00-02:00
            end = f"{_minutes(end) // 60 - 24:02d}:{_minutes(end) % 60:02d}"
        overnight = _minutes(end) <= _minutes(start) and end != "24:00"
        out.append(Slot(start, end, overnight))
    return tuple(out)


def _expand_days(text: str | None) -> list[int]:
    if not text:
        return list(range(7))
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        i, j = OSM_DAYS.index(a), OSM_DAYS.index(b or a)
        out += list(range(i, j + 1)) if i <= j else list(range(i, 7)) + list(range(j + 1))
    return out


def from_osm(text: str) -> Hours:
    """Read an OSM string into the form; what the form cannot show is kept in `raw`."""
    text = (text or "").strip()
    if not text:
        return Hours()
    if text == "24/7":
        return Hours(days=((Slot("00:00", "24:00"),),) * 7, holidays="habituel")
    days: list[list[Slot]] = [[] for _ in range(7)]
    holidays, holiday_slots, closures = "habituel", (), []
    try:
        for rule in (r.strip() for r in text.split(";")):
            if not rule:
                continue
            if m := _WEEK_RULE.match(rule):
                for i in _expand_days(m["days"]):
                    days[i] = list(_parse_times(m["times"]))
            elif m := _PH_RULE.match(rule):
                what = m["what"]
                holidays = {"off": "ferme", "closed": "ferme", "unknown": "inconnu"}.get(what, "special")
                holiday_slots = _parse_times(what) if holidays == "special" else ()
            elif m := _DATE_RULE.match(rule):
                start = date(int(m["y1"]), MONTHS.index(m["m1"]) + 1, int(m["d1"]))
                end = start
                if m["d2"]:
                    end = date(int(m["y2"] or m["y1"]), MONTHS.index(m["m2"] or m["m1"]) + 1,
                               int(m["d2"]))
                slots = () if m["what"] in ("off", "closed") else _parse_times(m["what"])
                closures.append(Closure(start.isoformat(), end.isoformat(), m["msg"] or "", slots))
            else:
                raise ValueError(rule)
    except ValueError:
        return Hours(raw=text)
    hours = Hours(days=tuple(tuple(d) for d in days), holidays=holidays,
                  holiday_slots=holiday_slots, closures=tuple(closures))
    if validate(hours) or not any(hours.days):
        return Hours(raw=text)
    return hours


# ---------------------------------------------------------------- validation


def _check_time(value: str, *, end: bool) -> str | None:
    m = _TIME.match(value or "")
    if not m:
        return N_("Heure invalide : écrivez-la comme 09:00 ou 17:30.")
    if m.group(1) == "24" and (not end or m.group(2) != "00"):
        return N_("Heure invalide : la dernière heure possible est 24:00 (minuit).")
    return None


def _check_slots(slots: tuple[Slot, ...], prefix: str, errors: dict[str, str]) -> None:
    """Errors of a list of slots, keyed "<prefix>-<i>"; overlaps reported on the later slot."""
    good: list[tuple[int, int, int]] = []
    if len(slots) > MAX_SLOTS_PER_DAY:
        errors[prefix] = N_("Au plus %(n)d créneaux par jour.", n=MAX_SLOTS_PER_DAY)
    for i, slot in enumerate(slots):
        key = f"{prefix}-{i}"
        problem = _check_time(slot.start, end=False) or _check_time(slot.end, end=True)
        if problem:
            errors[key] = problem
            continue
        start, end = _minutes(slot.start), _minutes(slot.end)
        if start == end or (slot.overnight and end == 1440):
            errors[key] = N_("L'heure de fin doit être différente de l'heure de début.")
        elif end < start and not slot.overnight:
            errors[key] = N_("La fin (%(end)s) est avant le début (%(start)s). Si le créneau "
                             "passe minuit, cochez « finit le lendemain ».", end=slot.end, start=slot.start)
        elif slot.overnight and end > start:
            errors[key] = N_("Un créneau qui finit le lendemain doit finir avant son heure de début.")
        else:
            good.append((*slot.minutes(), i))
    good.sort()
    for (_s1, e1, _i1), (s2, _e2, i2) in itertools.pairwise(good):
        if s2 < e1:
            errors.setdefault(f"{prefix}-{i2}", N_("Ce créneau chevauche un autre créneau du même jour."))


def validate(hours: Hours, today: date | None = None) -> dict[str, str]:
    """French messages keyed by form field: "day-<d>-<i>", "holiday-<i>", "closure-<k>"..."""
    errors: dict[str, str] = {}
    if hours.raw:
        try:
            OpeningHours(hours.raw)
        except (ParserError, SyntaxError, ValueError):
            errors["hours-raw"] = N_("Ces horaires importés ne sont pas lisibles.")
        return errors
    for d, slots in enumerate(hours.days):
        _check_slots(slots, f"day-{d}", errors)
    # An overnight slot must not run into the next day's first slots.
    for d, slots in enumerate(hours.days):
        if any(k.startswith(f"day-{d}-") for k in errors):
            continue
        spill = max((s.minutes()[1] - 1440 for s in slots if s.overnight), default=0)
        nxt = (d + 1) % 7
        for i, s in enumerate(hours.days[nxt]):
            if f"day-{nxt}-{i}" not in errors and _TIME.match(s.start) and _minutes(s.start) < spill:
                errors[f"day-{nxt}-{i}"] = N_("Ce créneau chevauche celui de %(day)s soir, "
                                              "qui finit après minuit.", day=DAY_NAMES[d])
    if hours.holidays not in HOLIDAY_MODES:
        errors["holidays"] = N_("Choisissez ce qui se passe les jours fériés.")
    elif hours.holidays == "special":
        if not hours.holiday_slots:
            errors["holidays"] = N_("Indiquez les horaires des jours fériés, ou choisissez une autre option.")
        _check_slots(hours.holiday_slots, "holiday", errors)
    if len(hours.closures) > MAX_CLOSURES:
        errors["closures"] = N_("Au plus %(n)d fermetures ou horaires exceptionnels.", n=MAX_CLOSURES)
    for k, closure in enumerate(hours.closures):
        key = f"closure-{k}"
        try:
            start = date.fromisoformat(closure.start)
            end = date.fromisoformat(closure.end or closure.start)
        except ValueError:
            errors[key] = N_("Date invalide : choisissez la date de début et la date de fin.")
            continue
        if end < start:
            errors[key] = N_("La date de fin est avant la date de début.")
        elif (end - start).days > 366:
            errors[key] = N_("Une fermeture temporaire dure au plus un an.")
        elif start.year < 2000 or end.year > 2100:
            errors[key] = N_("Date invalide.")
        elif len(closure.message) > 200:
            errors[key] = N_("Le message dépasse 200 caractères.")
        _check_slots(closure.slots, key, errors)
    return errors


# ---------------------------------------------------------------- interpretation


@lru_cache(maxsize=2048)
def _parse(osm: str) -> OpeningHours | None:
    try:
        return OpeningHours(osm, timezone=PARIS, country=COUNTRY)
    except (ParserError, SyntaxError, ValueError):
        return None


def _aware(now: datetime) -> datetime:
    return now.replace(tzinfo=PARIS) if now.tzinfo is None else now.astimezone(PARIS)


@dataclass(frozen=True)
class Status:
    """Open / closed / unknown now, and the sentence to show."""

    state: str  # "open", "closed", "unknown"
    text: str
    comment: str = ""
    change: datetime | None = None  # when it closes (open) or opens (closed), if known
    days: int = 0                   # days from now to `change` (0 today, 1 tomorrow...)
    today_unknown: bool = False     # hours known, but not for today (public holiday "inconnu")

    @property
    def change_label(self) -> str:
        """"à 17 h", "demain à 9 h"... in French (templates build a translated sentence)."""
        return _when_days(self.change, self.days) if self.change else ""


def _when(moment: datetime, now: datetime) -> str:
    """"à 17 h" today, "demain à 9 h", "mardi à 9 h" within a week, else "le 16 mars à 9 h"."""
    return _when_days(moment, (moment.date() - now.date()).days, now.year)


def _when_days(moment: datetime, days: int, year: int | None = None) -> str:
    at = french_time(moment)
    at_text = "à minuit" if at == "minuit" else f"à {at}"
    if days == 0:
        return at_text
    if days == 1:
        return f"demain {at_text}"
    if days < 7:
        return f"{DAY_NAMES[moment.weekday()]} {at_text}"
    return f"le {french_date(moment.date(), with_year=moment.year != (year or moment.year))} {at_text}"


def _next_real_change(oh: OpeningHours, now: datetime, state) -> datetime | None:
    """The next moment the state really changes (skips day boundaries inside an open run)."""
    moment = now
    for _ in range(16):
        moment = oh.next_change(moment)
        if moment is None:
            return None
        if oh.state(moment)[0] != state:
            return moment
    return moment


def status(osm: str, now: datetime) -> Status:
    """"Ouvert maintenant — ferme à 17 h", "Fermé — ouvre mardi à 9 h", or unknown."""
    if not osm:
        return Status("unknown", "Horaires : information non communiquée")
    oh = _parse(osm)
    if oh is None:
        return Status("unknown", "Horaires : information non communiquée")
    now = _aware(now)
    state, comment = oh.state(now)
    if state == State.OPEN:
        change = _next_real_change(oh, now, state)
        text = "Ouvert maintenant"
        if change is not None:
            text += " — ferme " + _when(change, now)
        return Status("open", text, comment, change, _days(change, now))
    if state == State.CLOSED:
        change = _next_real_change(oh, now, state)
        if change is not None and oh.state(change)[0] != State.OPEN:
            change = None
        text = "Fermé"
        if comment:
            text += f" ({comment})"
        if change is not None:
            text += " — ouvre " + _when(change, now)
        return Status("closed", text, comment, change, _days(change, now))
    return Status("unknown", "Horaires du jour : information non communiquée", comment,
                  today_unknown=True)


def _days(change: datetime | None, now: datetime) -> int:
    return (change.date() - now.date()).days if change is not None else 0


def is_open(osm: str, now: datetime) -> bool:
    """Whether the place is open at `now` (unknown counts as not open)."""
    oh = _parse(osm) if osm else None
    return bool(oh and oh.state(_aware(now))[0] == State.OPEN)


def opens_between(osm: str, start: datetime, end: datetime) -> bool:
    """Whether the place is open at some moment in [start, end)."""
    oh = _parse(osm) if osm else None
    if oh is None:
        return False
    start, end = _aware(start), _aware(end)
    return any(state == State.OPEN and b > a
               for a, b, state, _c in oh.intervals(start, end))


def open_today(osm: str, now: datetime) -> bool:
    """Open now or later today (a place that closed this morning no longer helps)."""
    now = _aware(now)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=PARIS)
    return opens_between(osm, now, midnight)


def open_weekend(osm: str, now: datetime) -> bool:
    """Open at some moment of this weekend (the coming one on weekdays, what is left of it)."""
    now = _aware(now)
    saturday = now.date() + timedelta(days=(5 - now.weekday()) % 7)
    if now.weekday() == 6:
        saturday = now.date() - timedelta(days=1)
    start = max(now, datetime.combine(saturday, time(0), tzinfo=PARIS))
    end = datetime.combine(saturday + timedelta(days=2), time(0), tzinfo=PARIS)
    return opens_between(osm, start, end)


@dataclass(frozen=True)
class WeekRow:
    """One line of the weekly table."""

    day: str
    text: str
    today: bool = False


def weekly_table(hours: Hours, today: date | None = None) -> list[WeekRow]:
    """The week in French: [("lundi", "9 h – 12 h, 14 h – 17 h"), ..., ("jours fériés", "fermé")]."""
    rows = []
    if hours.raw:
        return rows
    for d, slots in enumerate(hours.days):
        ordered = sorted(slots, key=lambda s: s.minutes())
        text = ", ".join(s.label() for s in ordered) if ordered else "fermé"
        rows.append(WeekRow(DAY_NAMES[d], text, today is not None and today.weekday() == d))
    if hours.holidays == "special":
        ph = ", ".join(s.label() for s in hours.holiday_slots)
    else:
        ph = HOLIDAY_MODES.get(hours.holidays, "non communiqué")
    rows.append(WeekRow(N_("jours fériés"), ph))
    return rows


def raw_week(osm: str, now: datetime) -> list[WeekRow]:
    """For imported hours the form cannot show: the next seven days, read by opening-hours-py."""
    oh = _parse(osm) if osm else None
    if oh is None:
        return []
    now = _aware(now)
    rows = []
    for offset in range(7):
        day = now.date() + timedelta(days=offset)
        start = datetime.combine(day, time(0), tzinfo=PARIS)
        spans = [f"{french_time(a)} – {french_time(b)}"
                 for a, b, state, _c in oh.intervals(start, start + timedelta(days=1))
                 if state == State.OPEN]
        rows.append(WeekRow(f"{DAY_NAMES[day.weekday()]} {french_date(day, False)}",
                            ", ".join(spans) or "fermé", offset == 0))
    return rows


@dataclass(frozen=True)
class ClosureNotice:
    """A closure or exceptional hours still to come, in French."""

    text: str
    current: bool


def closure_notices(hours: Hours, today: date) -> list[ClosureNotice]:
    """"Fermé du 3 au 14 mars 2026 : fermé pour travaux" for closures not over yet."""
    out = []
    for c in sorted(hours.closures, key=lambda c: c.start):
        try:
            start, end = date.fromisoformat(c.start), date.fromisoformat(c.end or c.start)
        except ValueError:
            continue
        if end < today:
            continue
        span = (N_("le %(day)s", day=french_date(start)) if start == end
                else N_("du %(start)s au %(end)s", start=french_date(start, start.year != end.year),
                        end=french_date(end)))
        what = translate(N_("Horaires exceptionnels %(span)s : %(hours)s", span=span,
                            hours=", ".join(s.label() for s in c.slots))
                         if c.slots else N_("Fermé %(span)s", span=span))
        if c.message:
            what += f" — {c.message}"
        out.append(ClosureNotice(what, start <= today <= end))
    return out
