"""The event model: validation messages in French, JSON round trip, names."""

from __future__ import annotations

from datetime import date

import pytest

from agenda import recurrence as rec
from agenda.event import CANCELLED, Event, EventError, form_values, new_name, validate

TODAY = date(2026, 11, 26)


class Form(dict):
    """A dict with getlist, like request.form."""

    def getlist(self, key):
        value = self.get(key) or []
        return [value] if isinstance(value, str) else list(value)


def form(**values):
    base = {"title": "Portes ouvertes", "start_date": "2026-12-03", "start_time": "14:00",
            "end_time": "17:00", "place": "autre", "address": "1 rue de Siam, Brest"}
    return Form({**base, **values})


def errors_of(**values):
    with pytest.raises(EventError) as info:
        validate(form(**values), today=TODAY)
    return info.value.errors


def test_valid_one_off_event():
    event, notices = validate(form(), today=TODAY)
    assert (event.start, event.end, event.repeat, notices) == ("2026-12-03T14:00", "2026-12-03T17:00",
                                                               rec.NONE, [])


def test_end_before_start_is_refused():
    assert "après le début" in errors_of(end_time="13:00")["end_time"]
    assert "après le début" in errors_of(end_time="14:00")["end_time"]


def test_end_on_an_earlier_day_is_refused():
    assert "après le début" in errors_of(end_date="2026-12-02", end_time="18:00")["end_time"]


def test_ten_thousand_character_title():
    message = errors_of(title="x" * 10_000)["title"]
    assert "10 000 caractères" in message
    assert "150 au plus" in message


def test_29_february_of_a_common_year():
    message = errors_of(start_date="2027-02-29")["start_date"]
    assert "29 février 2027 n'existe pas" in message


def test_29_february_of_a_leap_year_is_fine():
    event, _ = validate(form(start_date="2028-02-29"), today=TODAY)
    assert event.start == "2028-02-29T14:00"


def test_31_april_and_garbage_dates():
    assert "31 avril 2027 n'existe pas" in errors_of(start_date="2027-04-31")["start_date"]
    assert "n'est pas une date" in errors_of(start_date="demain")["start_date"]
    assert "n'est pas une heure" in errors_of(start_time="25:00")["start_time"]


def test_time_in_the_spring_gap_is_refused_with_the_reason():
    message = errors_of(start_date="2026-03-29", start_time="02:30", end_time="04:00")["start_time"]
    assert "n'existe pas" in message
    assert "2 h à 3 h" in message


def test_time_repeated_in_autumn_is_accepted_with_a_notice():
    event, notices = validate(form(start_date="2026-10-25", start_time="02:30", end_time="04:00"),
                              today=TODAY)
    assert event.start_dt.utcoffset().total_seconds() == 7200
    assert any("existe deux fois" in n for n in notices)


def test_recurrence_without_end_is_capped_with_a_message():
    event, notices = validate(form(repeat=rec.WEEKLY), today=TODAY)
    assert event.until == "2027-12-03"
    assert any("au bout d'un an" in n for n in notices)
    assert len(event.occurrences()) == 53


def test_recurrence_too_long_is_capped():
    event, notices = validate(form(repeat=rec.WEEKLY, until="2030-01-01"), today=TODAY)
    assert event.until == "2027-12-03"
    assert any("un an au plus" in n for n in notices)


def test_recurrence_ending_before_it_starts():
    assert "avant le premier" in errors_of(repeat=rec.WEEKLY, until="2026-11-01")["until"]


def test_monthly_on_the_31st_warns_about_short_months():
    _event, notices = validate(form(start_date="2026-12-31", repeat=rec.MONTHLY_DATE,
                                    until="2027-06-30"), today=TODAY)
    assert any("sans jour 31" in n for n in notices)


def test_cancelled_needs_a_reason():
    assert "pourquoi" in errors_of(status=CANCELLED)["cancel_reason"]
    event, _ = validate(form(status=CANCELLED, cancel_reason="Travaux"), today=TODAY)
    assert event.cancel_reason == "Travaux"


def test_unknown_structure_and_draft_sheet():
    statuses = {"agheb-le-phare": "publiee", "brouillon-sheet": "brouillon"}
    with pytest.raises(EventError) as info:
        validate(form(structure="inconnue"), today=TODAY, structure_status=statuses.get)
    assert "Aucune fiche" in info.value.errors["structure"]
    _event, notices = validate(form(structure="brouillon-sheet"), today=TODAY,
                               structure_status=statuses.get)
    assert any("n'est pas publiée" in n for n in notices)


def test_network_event_needs_an_address():
    assert "autre lieu" in errors_of(place="structure")["place"]
    assert "adresse" in errors_of(address="")["address"]


def test_registration_needs_how():
    assert "comment s'inscrire" in errors_of(registration="1")["registration_how"]


def test_values_outside_the_lists_are_refused():
    with pytest.raises(EventError) as info:
        validate(form(publics=["jeunes", "martiens"]), today=TODAY,
                 choices={"publics": {"jeunes": "Jeunes"}, "besoins": {}})
    assert "publics" in info.value.errors
    assert "kind" in errors_of(kind="fete")


def test_control_characters_are_removed_from_the_title():
    event, _ = validate(form(title="Portes\x00 ouvertes\n\t  !"), today=TODAY)
    assert event.title == "Portes ouvertes !"


def test_json_round_trip_and_form_values():
    event, _ = validate(form(repeat=rec.WEEKLY, until="2027-01-28", publics=["jeunes"]), today=TODAY)
    again = Event.from_text(event.to_text())
    assert again == event
    values = form_values(again)
    assert (values["start_date"], values["start_time"], values["end_time"]) == ("2026-12-03", "14:00",
                                                                             "17:00")
    assert event.meta()["last_day"] == "2027-01-28"


def test_new_names_are_unique_and_safe():
    event, _ = validate(form(title="Fête / ../../etc"), today=TODAY)
    taken = {"2026-12-03-fete-etc"}
    assert new_name(event, lambda n: False) == "2026-12-03-fete-etc"
    assert new_name(event, taken.__contains__) == "2026-12-03-fete-etc-2"


def test_called_off_dates_of_a_repetition():
    event, _ = validate(form(repeat=rec.WEEKLY, until="2027-01-28",
                             exceptions="24/12/2026 — Noël\n2026-12-31"), today=TODAY)
    assert event.exceptions == {"2026-12-24": "Noël", "2026-12-31": "annulé"}
    occ = {o.start.date().isoformat(): o for o in event.occurrences()}
    assert occ["2026-12-24"].cancelled
    assert occ["2026-12-24"].reason == "Noël"
    assert not occ["2026-12-17"].cancelled
    assert Event.from_text(event.to_text()) == event
    assert "24/12/2026 — Noël" in form_values(event)["exceptions"]


@pytest.mark.parametrize(("values", "message"), [
    ({"repeat": rec.WEEKLY, "until": "2027-01-28", "exceptions": "25/12/2026 — Noël"},
     "n'est pas une date de cette répétition"),
    ({"repeat": rec.WEEKLY, "until": "2027-01-28", "exceptions": "32/12/2026"}, "Ligne 1"),
    ({"exceptions": "03/12/2026"}, "Seul un rendez-vous qui se répète"),
])
def test_bad_called_off_dates(values, message):
    assert message in errors_of(**values)["exceptions"]
