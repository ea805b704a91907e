"""Recurrence expansion in Europe/Paris, across the nights when clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from agenda import recurrence as rec


def at(y, m, d, hh, mm=0):
    return rec.resolve(date(y, m, d), time(hh, mm))


def test_weekly_keeps_local_time_across_spring_change():
    occ = rec.expand(at(2026, 3, 22, 10), at(2026, 3, 22, 12), rec.WEEKLY, date(2026, 4, 5))
    assert [o.start.strftime("%d/%m %H:%M") for o in occ] == ["22/03 10:00", "29/03 10:00", "05/04 10:00"]
    assert [o.end.strftime("%H:%M") for o in occ] == ["12:00"] * 3
    # 10:00 is 09:00 UTC in winter and 08:00 UTC in summer.
    assert [o.start.astimezone(UTC).hour for o in occ] == [9, 8, 8]


def test_weekly_keeps_local_time_across_autumn_change():
    occ = rec.expand(at(2026, 10, 18, 18, 30), at(2026, 10, 18, 20), rec.WEEKLY, date(2026, 11, 1))
    assert [o.start.strftime("%d/%m %H:%M") for o in occ] == ["18/10 18:30", "25/10 18:30", "01/11 18:30"]
    assert [o.start.astimezone(UTC).hour for o in occ] == [16, 17, 17]


def test_occurrence_in_the_spring_gap_moves_one_hour_later_like_rfc5545():
    occ = rec.expand(at(2026, 3, 22, 2, 30), at(2026, 3, 22, 3, 30), rec.WEEKLY, date(2026, 4, 5))
    assert [o.start.strftime("%d/%m %H:%M") for o in occ] == ["22/03 02:30", "29/03 03:30", "05/04 02:30"]
    # Every occurrence lasts the exact duration of the first one.
    assert all(o.end - o.start == timedelta(hours=1) for o in occ)


def test_ambiguous_autumn_time_is_the_first_one_summer_time():
    occ = rec.expand(at(2026, 10, 18, 2, 30), at(2026, 10, 18, 3), rec.WEEKLY, date(2026, 10, 25))
    second = occ[1].start
    assert second.strftime("%d/%m %H:%M") == "25/10 02:30"
    assert second.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(("day", "clock", "kind"), [
    (date(2026, 3, 29), time(2, 30), "missing"),
    (date(2026, 3, 29), time(3, 0), "ok"),
    (date(2026, 10, 25), time(2, 30), "twice"),
    (date(2026, 10, 25), time(3, 0), "ok"),
    (date(2026, 7, 14), time(2, 30), "ok"),
])
def test_local_kind(day, clock, kind):
    assert rec.local_kind(day, clock) == kind


def test_monthly_on_the_31st_skips_short_months():
    occ = rec.expand(at(2026, 1, 31, 9), at(2026, 1, 31, 10), rec.MONTHLY_DATE, date(2026, 8, 31))
    assert [o.start.date().isoformat() for o in occ] == [
        "2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31"]


def test_monthly_on_the_29th_has_february_only_in_leap_years():
    occ = rec.expand(at(2027, 12, 29, 9), at(2027, 12, 29, 10), rec.MONTHLY_DATE, date(2028, 3, 31))
    assert [o.start.date().isoformat() for o in occ] == ["2027-12-29", "2028-01-29", "2028-02-29",
                                                          "2028-03-29"]
    occ = rec.expand(at(2026, 1, 29, 9), at(2026, 1, 29, 10), rec.MONTHLY_DATE, date(2026, 3, 31))
    assert [o.start.date().isoformat() for o in occ] == ["2026-01-29", "2026-03-29"]


def test_monthly_by_weekday_second_tuesday_and_last_friday():
    occ = rec.expand(at(2026, 1, 13, 14), at(2026, 1, 13, 16), rec.MONTHLY_WEEKDAY, date(2026, 4, 30))
    assert [o.start.date().isoformat() for o in occ] == ["2026-01-13", "2026-02-10", "2026-03-10",
                                                          "2026-04-14"]
    assert all(o.start.weekday() == 1 for o in occ)
    # 30 January 2026 is the fifth Friday: it becomes "the last Friday".
    occ = rec.expand(at(2026, 1, 30, 9), at(2026, 1, 30, 10), rec.MONTHLY_WEEKDAY, date(2026, 3, 31))
    assert [o.start.date().isoformat() for o in occ] == ["2026-01-30", "2026-02-27", "2026-03-27"]


def test_window_keeps_only_overlapping_occurrences():
    window = (rec.local_midnight(date(2026, 3, 29)), rec.local_midnight(date(2026, 4, 6)))
    occ = rec.expand(at(2026, 3, 1, 10), at(2026, 3, 1, 12), rec.WEEKLY, date(2026, 6, 1), window)
    assert [o.start.date().isoformat() for o in occ] == ["2026-03-29", "2026-04-05"]


def test_single_event_has_one_occurrence_and_no_rrule():
    start, end = at(2026, 12, 3, 14), at(2026, 12, 3, 17)
    assert rec.expand(start, end) == [rec.Occurrence(start, end)]
    assert rec.rrule(start, rec.NONE, None) is None


def test_expansion_is_bounded():
    occ = rec.expand(at(2026, 1, 1, 9), at(2026, 1, 1, 10), rec.WEEKLY, date(2099, 1, 1))
    assert len(occ) == rec.MAX_OCCURRENCES


def test_rrule_until_is_the_end_of_the_last_day_in_utc():
    rule = rec.rrule(at(2026, 6, 2, 14), rec.WEEKLY, date(2026, 6, 30))
    assert rule["FREQ"] == "WEEKLY"
    assert rule["UNTIL"] == datetime(2026, 6, 30, 21, 59, 59, tzinfo=UTC)
    assert rec.rrule(at(2026, 1, 13, 14), rec.MONTHLY_WEEKDAY, date(2026, 6, 1))["BYDAY"] == "2TU"
    assert rec.rrule(at(2026, 1, 30, 14), rec.MONTHLY_WEEKDAY, date(2026, 6, 1))["BYDAY"] == "-1FR"


def test_french_words():
    assert rec.describe_repeat(date(2026, 1, 13), rec.MONTHLY_WEEKDAY, date(2026, 6, 30)) == \
        "le deuxième mardi de chaque mois jusqu'au 30 juin 2026"
    assert rec.format_day(date(2026, 3, 1), weekday=True) == "dimanche 1er mars 2026"
    assert rec.format_clock(at(2026, 3, 29, 9, 5)) == "9\u00a0h\u00a005"
    assert rec.format_range(date(2026, 11, 23), date(2026, 11, 29)) == "du 23 au 29 novembre 2026"
    assert rec.format_range(date(2026, 11, 30), date(2026, 12, 6)) == "du 30 novembre au 6 décembre 2026"
    assert rec.format_range(date(2026, 12, 28), date(2027, 1, 3)) == "du 28 décembre 2026 au 3 janvier 2027"
