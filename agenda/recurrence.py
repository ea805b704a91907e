"""Dates and times of events in Europe/Paris: local wall times, clock changes, recurrence.

Pure functions (no Flask). An event is written in local wall time (what people read
on the poster); occurrences are computed here exactly as RFC 5545 computes them from
the .ics (DTSTART;TZID=Europe/Paris + RRULE), so the page and a phone's calendar
always agree, including the nights when clocks change:

- a local time that does not exist (02:30 on the last Sunday of March) is read with
  the offset before the gap, so it lands at 03:30 summer time (RFC 5545, 3.3.5);
- a local time that exists twice (02:30 on the last Sunday of October) is the first one;
- every occurrence lasts the exact duration of the first one (RFC 5545, 3.8.5.3).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from i18n import N_, date_locale, language, translate

PARIS = ZoneInfo("Europe/Paris")

NONE, WEEKLY, MONTHLY_DATE, MONTHLY_WEEKDAY = "aucune", "hebdomadaire", "mensuelle", "mensuelle-jour"
REPEATS = (NONE, WEEKLY, MONTHLY_DATE, MONTHLY_WEEKDAY)
MAX_REPEAT_DAYS = 366          # a repetition never runs more than a year (capped, with a message)
MAX_OCCURRENCES = 400          # hard guard for any expansion

WEEKDAYS_ICS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
ORDINALS_FR = {1: N_("premier"), 2: N_("deuxième"), 3: N_("troisième"), 4: N_("quatrième"),
               -1: N_("dernier")}


@dataclass(frozen=True)
class Occurrence:
    """One concrete time of an event, as aware datetimes in Europe/Paris."""

    start: datetime
    end: datetime
    cancelled: bool = False   # this one date is called off (the repetition goes on)
    reason: str = ""

    @property
    def day(self) -> date:
        """Local day the occurrence starts on."""
        return self.start.date()


def local_kind(day: date, clock: time) -> str:
    """'ok', 'missing' (skipped by the spring clock change) or 'twice' (autumn change)."""
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=PARIS, fold=0)
    second = naive.replace(tzinfo=PARIS, fold=1)
    if first.utcoffset() == second.utcoffset():
        return "ok"
    # Round-trip through UTC: a time in the gap comes back changed.
    back = first.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None)
    return "missing" if back != naive else "twice"


def resolve(day: date, clock: time) -> datetime:
    """Aware Europe/Paris datetime of a local wall time, RFC 5545 style (see module doc)."""
    aware = datetime.combine(day, clock).replace(tzinfo=PARIS, fold=0)
    return aware.astimezone(UTC).astimezone(PARIS)


def nth_weekday(day: date) -> int:
    """Position of the day's weekday in its month: 1..4, or -1 for a fifth (= the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n >= 5 else n


def _month_add(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + k
    return index // 12, index % 12 + 1


def _weekday_in_month(year: int, month: int, weekday: int, n: int) -> date:
    if n > 0:
        first = date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        return first + timedelta(days=offset + 7 * (n - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def repeat_days(first: date, repeat: str, until: date | None) -> Iterator[date]:
    """Local days of the occurrences, first included, up to until (inclusive)."""
    if repeat == NONE or until is None:
        yield first
        return
    count = 0
    if repeat == WEEKLY:
        day = first
        while day <= until and count < MAX_OCCURRENCES:
            yield day
            count += 1
            day += timedelta(days=7)
        return
    k = 0
    n = nth_weekday(first)
    while count < MAX_OCCURRENCES:
        year, month = _month_add(first.year, first.month, k)
        k += 1
        if date(year, month, 1) > until:
            return
        if repeat == MONTHLY_DATE:
            if first.day > calendar.monthrange(year, month)[1]:
                continue  # no 31 (or 30, or 29 February) this month: RFC 5545 skips it
            day = date(year, month, first.day)
        else:
            day = _weekday_in_month(year, month, first.weekday(), n)
        if day > until:
            return
        yield day
        count += 1


def expand(start: datetime, end: datetime, repeat: str = NONE, until: date | None = None,
           window: tuple[datetime, datetime] | None = None,
           exceptions: dict[str, str] | None = None) -> list[Occurrence]:
    """Occurrences of an event (start/end aware), optionally only those overlapping window.

    exceptions maps a local day ("2026-12-22") to the reason that occurrence is called off:
    it is still returned, marked cancelled (shown crossed out, STATUS:CANCELLED in the .ics).
    """
    exceptions = exceptions or {}
    duration = end.astimezone(UTC) - start.astimezone(UTC)
    clock = start.astimezone(PARIS).replace(tzinfo=None).time()
    out = []
    for day in repeat_days(start.astimezone(PARIS).date(), repeat, until):
        occ_start = resolve(day, clock)
        occ_end = (occ_start.astimezone(UTC) + duration).astimezone(PARIS)
        if window is not None:
            if occ_start >= window[1]:
                break
            if occ_end <= window[0]:
                continue
        reason = exceptions.get(day.isoformat())
        out.append(Occurrence(occ_start, occ_end, reason is not None, reason or ""))
    return out


def rrule(start: datetime, repeat: str, until: date | None) -> dict | None:
    """The RRULE (as icalendar wants it) equivalent to repeat_days, or None."""
    if repeat == NONE or until is None:
        return None
    local = start.astimezone(PARIS)
    # UNTIL is UTC when DTSTART has a time zone; the last day is included entirely.
    last = datetime.combine(until, time(23, 59, 59)).replace(tzinfo=PARIS).astimezone(UTC)
    if repeat == WEEKLY:
        return {"FREQ": "WEEKLY", "UNTIL": last}
    if repeat == MONTHLY_DATE:
        return {"FREQ": "MONTHLY", "BYMONTHDAY": local.day, "UNTIL": last}
    n = nth_weekday(local.date())
    return {"FREQ": "MONTHLY", "BYDAY": f"{n}{WEEKDAYS_ICS[local.weekday()]}", "UNTIL": last}


def describe_repeat(first: date, repeat: str, until: date | None) -> str:
    """French words for a repetition: « chaque mardi jusqu'au 30 juin 2027 »."""
    if repeat == NONE or until is None:
        return ""
    end, day = format_day(until), WEEKDAYS_FR[first.weekday()]
    if language() != "fr":  # an English page: "every Tuesday until 30 June 2027"
        from babel.dates import get_day_names

        day = get_day_names("wide", locale=date_locale())[first.weekday()]
    if repeat == WEEKLY:
        return translate(N_("chaque %(day)s jusqu'au %(end)s", day=day, end=end))
    if repeat == MONTHLY_DATE:
        return translate(N_("le %(n)d de chaque mois jusqu'au %(end)s", n=first.day, end=end))
    return translate(N_("le %(nth)s %(day)s de chaque mois jusqu'au %(end)s",
                        nth=ORDINALS_FR[nth_weekday(first)], day=day, end=end))


def format_day(day: date, weekday: bool = False) -> str:
    """« 3 décembre 2026 » (or « jeudi 3 décembre 2026 »), without depending on the locale."""
    if language() != "fr":  # an English page: "Thursday 3 December 2026"
        from babel.dates import format_date

        return format_date(day, "EEEE d MMMM y" if weekday else "d MMMM y", locale=date_locale())
    text = f"{'1er' if day.day == 1 else day.day} {MONTHS_FR[day.month - 1]} {day.year}"
    return f"{WEEKDAYS_FR[day.weekday()]} {text}" if weekday else text


NBSP = "\u00a0"


def format_clock(moment: datetime) -> str:
    """« 14 h », « 9 h 30 » in Europe/Paris (non-breaking spaces: never cut on a phone)."""
    local = moment.astimezone(PARIS)
    if language() != "fr":
        return f"{local:%H:%M}"
    if local.minute == 0:
        return f"{local.hour}{NBSP}h"
    return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def format_range(first: date, last: date) -> str:
    """« du 23 au 29 novembre 2026 », « du 30 novembre au 6 décembre 2026 »."""
    if language() != "fr":  # "23–29 November 2026", "30 November – 6 December 2026"
        from babel.dates import format_date

        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day}–{format_day(last)}"
        pattern = "d MMMM" if first.year == last.year else "d MMMM y"
        return f"{format_date(first, pattern, locale=date_locale())} – {format_day(last)}"
    if (first.year, first.month) == (last.year, last.month):
        start = "1er" if first.day == 1 else str(first.day)
        return f"du {start} au {format_day(last)}"
    if first.year == last.year:
        start = f"{'1er' if first.day == 1 else first.day} {MONTHS_FR[first.month - 1]}"
        return f"du {start} au {format_day(last)}"
    return f"du {format_day(first)} au {format_day(last)}"


def month_name(month: int) -> str:
    """« novembre » (1-12), in the current language."""
    if language() != "fr":
        from babel.dates import get_month_names

        return get_month_names("wide", locale=date_locale())[month]
    return MONTHS_FR[month - 1]


def week_start(day: date) -> date:
    """Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def local_midnight(day: date) -> datetime:
    """Start of a local day as an aware datetime."""
    return resolve(day, time(0, 0))
