"""Opening hours: form <-> OSM string, validation, "open now" sentences (pure, `now` given)."""

from datetime import date, datetime

import pytest

from directory.hours import (
    PARIS,
    Closure,
    Hours,
    Slot,
    closure_notices,
    from_osm,
    is_open,
    open_today,
    open_weekend,
    status,
    to_osm,
    validate,
    weekly_table,
)

OFFICE = (Slot("09:00", "12:00"), Slot("14:00", "17:00"))
WEEKDAYS = (OFFICE,) * 5 + ((), ())


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def test_weekday_slots_become_one_osm_rule_per_group():
    hours = Hours(days=(*WEEKDAYS,), holidays="ferme")
    assert to_osm(hours) == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"


def test_non_consecutive_days_and_weekend_rules():
    days = [(), (), (), (), (), (), ()]
    days[0] = days[2] = days[4] = (Slot("10:00", "12:00"),)
    days[5] = days[6] = (Slot("09:00", "17:00"),)
    hours = Hours(days=tuple(days), holidays="special", holiday_slots=(Slot("09:00", "17:00"),))
    assert to_osm(hours) == "Mo,We,Fr 10:00-12:00; Sa,Su 09:00-17:00; PH 09:00-17:00"


def test_nothing_known_gives_empty_string_and_unknown_status():
    assert to_osm(Hours()) == ""
    assert status("", at(2026, 3, 2, 10)).text == "Horaires : information non communiquée"
    assert status("", at(2026, 3, 2, 10)).state == "unknown"


@pytest.mark.parametrize("hours", [
    Hours(days=WEEKDAYS, holidays="ferme"),
    Hours(days=WEEKDAYS, holidays="inconnu",
          closures=(Closure("2026-03-03", "2026-03-14", "fermé pour travaux"),)),
    Hours(days=((), (), (), (), (Slot("22:00", "02:00", True),), (Slot("22:00", "02:00", True),), ()),
          holidays="habituel"),
    Hours(days=WEEKDAYS, holidays="ferme",
          closures=(Closure("2026-12-24", "2026-12-24", "veille de Noël", (Slot("09:00", "12:00"),)),)),
])
def test_osm_round_trip(hours):
    assert from_osm(to_osm(hours)) == hours
    assert validate(hours) == {}


def test_status_sentences_in_french():
    osm = to_osm(Hours(days=WEEKDAYS, holidays="ferme"))
    assert status(osm, at(2026, 3, 2, 10)).text == "Ouvert maintenant — ferme à 12 h"
    assert status(osm, at(2026, 3, 2, 12, 30)).text == "Fermé — ouvre à 14 h"
    assert status(osm, at(2026, 3, 2, 18)).text == "Fermé — ouvre demain à 9 h"
    # Friday evening: next opening is Monday, named by its weekday.
    assert status(osm, at(2026, 3, 6, 18)).text == "Fermé — ouvre lundi à 9 h"
    half = to_osm(Hours(days=((Slot("09:30", "17:00"),),) + ((),) * 6))
    assert status(half, at(2026, 3, 1, 12)).text == "Fermé — ouvre demain à 9 h 30"
    assert status(half, at(2026, 3, 2, 12)).text == "Ouvert maintenant — ferme à 17 h"


def test_public_holidays_closed_open_or_unknown():
    may_day = at(2026, 5, 1, 10)  # a Friday, public holiday in France
    closed = to_osm(Hours(days=WEEKDAYS, holidays="ferme"))
    usual = to_osm(Hours(days=WEEKDAYS, holidays="habituel"))
    unknown = to_osm(Hours(days=WEEKDAYS, holidays="inconnu"))
    assert not is_open(closed, may_day)
    assert status(closed, may_day).text == "Fermé — ouvre lundi à 9 h"
    assert is_open(usual, may_day)
    assert status(unknown, may_day).state == "unknown"
    # An ordinary Friday is unaffected.
    assert is_open(closed, at(2026, 5, 8 + 7, 10))


def test_weekend_and_holiday_place_opens_on_holidays():
    halte = Hours(days=((),) * 5 + ((Slot("09:00", "17:00"),),) * 2, holidays="special",
                  holiday_slots=(Slot("09:00", "17:00"),))
    osm = to_osm(halte)
    assert is_open(osm, at(2026, 5, 1, 10))          # 1st May, a Friday
    assert not is_open(osm, at(2026, 5, 5, 10))      # an ordinary Tuesday
    assert open_weekend(osm, at(2026, 5, 5, 10))


def test_temporary_closure_with_message():
    hours = Hours(days=WEEKDAYS, holidays="ferme",
                  closures=(Closure("2026-03-03", "2026-03-14", "fermé pour travaux"),))
    osm = to_osm(hours)
    assert '2026 Mar 03-2026 Mar 14 off "fermé pour travaux"' in osm
    during = status(osm, at(2026, 3, 5, 10))
    assert during.state == "closed"
    assert "fermé pour travaux" in during.text
    assert "ouvre lundi" in during.text or "ouvre le 16 mars" in during.text
    assert is_open(osm, at(2026, 3, 16, 10))
    notices = closure_notices(hours, date(2026, 3, 1))
    assert [n.text for n in notices] == ["Fermé du 3 mars au 14 mars 2026 — fermé pour travaux"]
    assert closure_notices(hours, date(2026, 3, 15)) == []


def test_closure_over_new_year_and_exceptional_hours():
    hours = Hours(days=WEEKDAYS, holidays="ferme",
                  closures=(Closure("2026-12-28", "2027-01-02", "vacances"),
                            Closure("2026-12-24", "2026-12-24", "", (Slot("09:00", "12:00"),))))
    osm = to_osm(hours)
    assert not is_open(osm, at(2026, 12, 31, 10))
    assert is_open(osm, at(2026, 12, 24, 10))
    assert not is_open(osm, at(2026, 12, 24, 15))
    assert is_open(osm, at(2027, 1, 4, 10))


def test_midnight_crossing_slot():
    night = Hours(days=((),) * 4 + ((Slot("22:00", "02:00", True),),) * 2 + ((),), holidays="habituel")
    osm = to_osm(night)
    assert osm == "Fr,Sa 22:00-02:00"
    assert is_open(osm, at(2026, 3, 6, 23))                    # Friday night
    assert is_open(osm, at(2026, 3, 7, 1))                     # early Saturday, from Friday
    assert is_open(osm, at(2026, 3, 8, 1, 30))                 # early Sunday, from Saturday
    assert not is_open(osm, at(2026, 3, 9, 1))                 # early Monday: nothing on Sunday
    assert status(osm, at(2026, 3, 6, 23)).text == "Ouvert maintenant — ferme demain à 2 h"
    assert weekly_table(night)[4].text == "22 h – 2 h (le lendemain)"


def test_open_today_means_now_or_later_today():
    osm = to_osm(Hours(days=WEEKDAYS))
    assert open_today(osm, at(2026, 3, 2, 8))
    assert open_today(osm, at(2026, 3, 2, 13))
    assert not open_today(osm, at(2026, 3, 2, 18))
    assert not open_today(osm, at(2026, 3, 7, 10))  # Saturday


def test_open_this_weekend():
    osm = to_osm(Hours(days=WEEKDAYS))
    assert not open_weekend(osm, at(2026, 3, 4, 10))
    sunday_only = to_osm(Hours(days=((),) * 6 + ((Slot("10:00", "12:00"),),)))
    assert open_weekend(sunday_only, at(2026, 3, 4, 10))
    assert open_weekend(sunday_only, at(2026, 3, 8, 9))       # Sunday morning, still to come
    assert not open_weekend(sunday_only, at(2026, 3, 8, 13))  # Sunday afternoon, over


def test_weekly_table_in_french():
    rows = weekly_table(Hours(days=WEEKDAYS, holidays="ferme"), date(2026, 3, 3))
    assert [(r.day, r.text) for r in rows][:2] == [("lundi", "9 h – 12 h, 14 h – 17 h"),
                                                   ("mardi", "9 h – 12 h, 14 h – 17 h")]
    assert rows[1].today
    assert not rows[0].today
    assert (rows[5].day, rows[5].text) == ("samedi", "fermé")
    assert (rows[7].day, rows[7].text) == ("jours fériés", "fermé")


# ---------------------------------------------------------------- bad input


def test_end_before_start_is_refused_with_a_hint():
    errors = validate(Hours(days=((Slot("14:00", "12:00"),),) + ((),) * 6))
    assert "avant le début" in errors["day-0-0"]
    assert "finit le lendemain" in errors["day-0-0"]


def test_same_start_and_end_is_refused():
    assert "différente" in validate(Hours(days=((Slot("09:00", "09:00"),),) + ((),) * 6))["day-0-0"]


def test_overlapping_slots_are_refused():
    errors = validate(Hours(days=((Slot("09:00", "13:00"), Slot("12:30", "17:00")),) + ((),) * 6))
    assert "chevauche" in errors["day-0-1"]
    assert "day-0-0" not in errors


def test_overnight_slot_running_into_next_day_is_refused():
    days = [(), (), (), (), (), (), ()]
    days[6] = (Slot("22:00", "03:00", True),)
    days[0] = (Slot("01:00", "04:00"),)
    errors = validate(Hours(days=tuple(days)))
    assert "dimanche" in errors["day-0-0"]


@pytest.mark.parametrize("value", ["9h", "25:00", "12:60", "abc", "24:30", ""])
def test_malformed_times_are_refused(value):
    errors = validate(Hours(days=((Slot(value, "12:00"),),) + ((),) * 6))
    assert "Heure invalide" in errors["day-0-0"]


def test_closure_dates_are_checked():
    errors = validate(Hours(days=WEEKDAYS, closures=(
        Closure("2026-03-14", "2026-03-03", "à l'envers"),
        Closure("14/03/2026", "", "format"),
        Closure("2026-01-01", "2028-01-01", "trop long"),
    )))
    assert "avant la date de début" in errors["closure-0"]
    assert "Date invalide" in errors["closure-1"]
    assert "un an" in errors["closure-2"]


def test_special_holidays_need_slots():
    errors = validate(Hours(days=WEEKDAYS, holidays="special"))
    assert "jours fériés" in errors["holidays"]


def test_unreadable_osm_is_kept_raw_and_shown_as_unknown():
    hours = from_osm("n'importe quoi")
    assert hours.raw == "n'importe quoi"
    assert validate(hours) == {"hours-raw": "Ces horaires importés ne sont pas lisibles."}
    assert status(hours.raw, at(2026, 3, 2, 10)).state == "unknown"


def test_valid_osm_outside_our_subset_is_kept_raw_and_interpreted():
    hours = from_osm("Mo-Fr 08:00-18:00; Jul-Aug off")
    assert hours.raw
    assert validate(hours) == {}
    assert is_open(hours.raw, at(2026, 3, 2, 10))
    assert not is_open(hours.raw, at(2026, 7, 6, 10))
