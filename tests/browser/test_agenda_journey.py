"""Browser: a référent announces an open day; it is on the sheet, in /agenda/ and in the .ics."""

from __future__ import annotations

import json
from datetime import date, timedelta

from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations
from tests.browser.conftest import login

SLUG = "agheb-le-phare"
TITLE = "Portes ouvertes navigateur"


def make_referent(live_app, username: str) -> None:
    """The demo sheets have no référent (no invented names): make one for the test."""
    sheets = live_app.extensions["reperes"]["structures"]
    current = sheets.load(SLUG)
    data = json.loads(current.text)
    if username not in data.get("referents", []):
        data["referents"] = [*data.get("referents", []), username]
        sheets.save(SLUG, json.dumps(data, ensure_ascii=False), author="admin",
                    meta={**current.meta, "reviewed": current.number + 1})


def test_referent_announces_an_open_day(page, live_app):
    make_referent(live_app, "bob")
    day = date.today() + timedelta(days=9)
    login(page, "bob")
    page.goto(f"/agenda/nouveau?structure={SLUG}")
    assert_no_axe_violations(page)
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Type d'événement").select_option("portes-ouvertes")
    page.get_by_label("Date (obligatoire)", exact=True).fill(day.isoformat())
    page.get_by_label("De (obligatoire)", exact=True).fill("14:00")
    page.get_by_label("À (obligatoire)", exact=True).fill("17:00")
    page.get_by_label("État de l'annonce").select_option("publie")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.get_by_text("Événement enregistré.")).to_be_visible()
    assert_no_axe_violations(page)

    # On the structure's sheet, for anyone.
    page.context.clear_cookies()
    page.goto(f"/annuaire/{SLUG}")
    section = page.locator("section.ag-on-sheet")
    expect(section.get_by_role("heading", name="Prochains rendez-vous")).to_be_visible()
    expect(section.get_by_role("link", name=TITLE)).to_be_visible()

    # In the agenda's week.
    page.goto(f"/agenda/?date={day.isoformat()}")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    assert_no_axe_violations(page)
    # A phone-sized screen (360 px) does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)

    # In both iCalendar feeds, at 14:00 Paris time.
    for url in ("/agenda.ics", f"/annuaire/{SLUG}/agenda.ics"):
        response = page.request.get(url)
        assert response.ok
        assert response.headers["content-type"].startswith("text/calendar")
        events = [v for v in Calendar.from_ical(response.body()).walk("VEVENT")
                  if str(v["SUMMARY"]) == TITLE]
        assert len(events) == 1
        start = events[0].decoded("DTSTART")
        assert (start.date(), start.hour, str(start.tzinfo)) == (day, 14, "Europe/Paris")


def test_member_turns_the_network_meeting_into_its_minutes(page, live_app):
    store = live_app.extensions["reperes"]["events"]
    meeting = next(n for n in store.names() if "reunion-du-groupe" in n)
    page.goto(f"/agenda/evenement/{meeting}")
    assert "/login" in page.url  # internal: visitors are asked to log in, nothing shown
    login(page, "anne")
    page.goto(f"/agenda/evenement/{meeting}")
    expect(page.locator("h1")).to_contain_text("Réunion du groupe Isolement social")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Créer la page de compte rendu").click()
    # One click: the minutes page is created from the template and opened for editing.
    text = page.get_by_label("Texte de la page")
    expect(text).to_be_visible()
    value = text.input_value()
    assert f"(/agenda/evenement/{meeting})" in value
    assert "## Ordre du jour" in value
    page.goto(f"/agenda/evenement/{meeting}")
    expect(page.get_by_role("link", name="Comptes rendus/")).to_be_visible()


def test_other_agenda_pages_pass_axe(page, live_app):
    store = live_app.extensions["reperes"]["events"]
    workshop = next(n for n in store.names() if "atelier-cuisine" in n)
    login(page, "anne")
    for url in ("/agenda/?vue=mois", "/agenda/archives", "/agenda/a-verifier", "/agenda/mon-lien",
                f"/agenda/evenement/{workshop}", f"/agenda/evenement/{workshop}/historique",
                f"/agenda/evenement/{workshop}/modifier"):
        page.goto(url)
        expect(page.locator("h1")).to_have_count(1)
        assert_no_axe_violations(page)
