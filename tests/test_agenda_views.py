"""Client tests of the agenda: visibility everywhere, the form's bad input, history, minutes."""

from __future__ import annotations

import json
import re
from io import BytesIO

import pytest
from icalendar import Calendar

from agenda import calendar as cal
from agenda import count_events
from agenda.event import Event
from directory.sheet import Sheet, to_json

NOW = "2026-11-26T09:00"   # a Thursday


@pytest.fixture
def app(app):
    """The shared app with a fixed 'now' and a few structure sheets."""
    app.config["AGENDA_NOW"] = NOW
    sheets = app.extensions["reperes"]["structures"]
    for slug, name, status, referents in [
        ("agheb-le-phare", "Agheb / Le Phare", "publiee", ["bob"]),
        ("centre-social-de-kerangoff", "Centre social de Kérangoff", "publiee", []),
        ("fiche-brouillon", "Fiche en brouillon", "brouillon", []),
    ]:
        sheet = Sheet(slug=slug, name=name, status=status, address="2 rue de Brest",
                      postcode="29200", town="Brest", referents=tuple(referents))
        sheets.save(slug, to_json(sheet), author="test", meta={"status": status, "name": name})
    return app


def put(app, name, **fields) -> None:
    """Save an event directly in the store."""
    values = {"title": name, "start": "2026-11-27T14:00", "end": "2026-11-27T17:00",
              "place": "structure", "structure": "agheb-le-phare", "status": "publie", **fields}
    event = Event(**values)
    app.extensions["reperes"]["events"].save(name, event.to_text(), author="test",
                                              meta={**event.meta(), "reviewed": 2})


@pytest.fixture
def mixed(app):
    """One public event and every kind of private or special one."""
    put(app, "public-portes-ouvertes", title="Portes ouvertes du Phare", besoins=["se-laver"])
    put(app, "interne-reunion", title="Réunion interne secrète", internal=True, structure="",
        place="autre", address="Salle du réseau", kind="reunion-reseau")
    put(app, "brouillon-atelier", title="Atelier brouillon caché", status="brouillon")
    put(app, "sur-fiche-brouillon", title="Événement fiche brouillon caché", structure="fiche-brouillon")
    put(app, "annule-atelier", title="Atelier tricot annulé", status="annule",
        cancel_reason="Animatrice malade", structure="centre-social-de-kerangoff", price="payant")
    return app


SECRET = ("Réunion interne secrète", "Atelier brouillon caché", "Événement fiche brouillon caché")


def test_agenda_page_shows_only_public_events_to_visitors(client, mixed):
    html = client.get("/agenda/").get_data(as_text=True)
    assert "Portes ouvertes du Phare" in html
    assert "Atelier tricot annulé" in html
    assert "Animatrice malade" in html
    for title in SECRET:
        assert title not in html
    for view in ("/agenda/?vue=mois", "/agenda/archives", "/agenda/?vue=mois&date=2026-11-01"):
        page = client.get(view).get_data(as_text=True)
        assert all(title not in page for title in SECRET)


def test_members_see_internal_and_draft_events(client, auth, mixed):
    auth.login()
    html = client.get("/agenda/").get_data(as_text=True)
    for title in SECRET:
        assert title in html
    assert "Réservé aux membres" in html


@pytest.mark.parametrize("name", ["interne-reunion", "brouillon-atelier", "sur-fiche-brouillon"])
def test_private_event_pages_are_closed_to_visitors(client, mixed, name):
    for url in (f"/agenda/evenement/{name}", f"/agenda/evenement/{name}/image"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
        assert "caché" not in response.get_data(as_text=True)


def test_unknown_event_is_404(client, mixed):
    assert client.get("/agenda/evenement/nope").status_code == 404
    assert client.get("/agenda/evenement/..%2Fapp.py").status_code == 404


@pytest.mark.parametrize("action", ["modifier", "verifie", "supprimer", "compte-rendu"])
def test_members_actions_on_an_unknown_event_are_404(client, auth, mixed, action):
    auth.login("anne")
    url = f"/agenda/evenement/nope/{action}"
    response = client.get(url) if action == "modifier" else \
        client.post(url, data={"csrf_token": auth.token("/agenda/"), "confirm": "1"})
    assert response.status_code == 404


def test_ics_holds_public_events_only_with_cancellation(client, mixed):
    response = client.get("/agenda.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = {str(v["UID"]).split("@")[0]: v for v in Calendar.from_ical(response.data).walk("VEVENT")}
    assert sorted(events) == ["annule-atelier", "public-portes-ouvertes"]
    assert str(events["annule-atelier"]["STATUS"]) == "CANCELLED"
    assert "Animatrice malade" in str(events["annule-atelier"]["DESCRIPTION"])
    assert str(events["public-portes-ouvertes"]["LOCATION"]) == "Agheb / Le Phare, 2 rue de Brest, 29200 Brest"
    for title in SECRET:
        assert title.encode() not in response.data


def test_structure_ics(client, mixed):
    data = client.get("/annuaire/agheb-le-phare/agenda.ics").data
    uids = [str(v["UID"]).split("@")[0] for v in Calendar.from_ical(data).walk("VEVENT")]
    assert uids == ["public-portes-ouvertes"]
    assert client.get("/annuaire/fiche-brouillon/agenda.ics").status_code == 404
    assert client.get("/annuaire/inconnue/agenda.ics").status_code == 404


def test_atom_feed_public_only(client, mixed):
    response = client.get("/agenda/flux.atom")
    assert response.mimetype == "application/atom+xml"
    text = response.get_data(as_text=True)
    assert "Portes ouvertes du Phare" in text
    assert "ANNULÉ — Atelier tricot annulé" in text
    assert all(title not in text for title in SECRET)


def test_search_never_returns_private_events_to_visitors(app, mixed):
    from search import search_ids

    assert search_ids(app, "events", "portes ouvertes", member=False) == ["public-portes-ouvertes"]
    assert search_ids(app, "events", "secrète", member=False) == []
    assert search_ids(app, "events", "caché", member=False) == []
    assert search_ids(app, "events", "secrète", member=True) == ["interne-reunion"]
    assert set(search_ids(app, "events", "caché", member=True)) == {"brouillon-atelier",
                                                                    "sur-fiche-brouillon"}


def test_search_page_for_visitors(client, mixed):
    html = client.get("/recherche?q=secr%C3%A8te").get_data(as_text=True)
    assert "Réunion interne secrète" not in html


def test_publishing_the_sheet_makes_its_event_public_in_search_and_ics(app, client, mixed):
    from search import search_ids

    client.get("/agenda/")  # the first request attaches the sheet listener
    sheets = app.extensions["reperes"]["structures"]
    data = json.loads(sheets.load("fiche-brouillon").text)
    sheets.save("fiche-brouillon", json.dumps({**data, "status": "publiee"}), author="test")
    assert search_ids(app, "events", "caché", member=False) == ["sur-fiche-brouillon"]
    assert b"sur-fiche-brouillon" in client.get("/agenda.ics").data
    sheets.save("fiche-brouillon", json.dumps({**data, "status": "brouillon"}), author="test")
    assert search_ids(app, "events", "caché", member=False) == []
    assert b"sur-fiche-brouillon" not in client.get("/agenda.ics").data


def test_filters(client, mixed):
    html = client.get("/agenda/?besoin=se-laver").get_data(as_text=True)
    assert "Portes ouvertes du Phare" in html
    assert "Atelier tricot annulé" not in html
    html = client.get("/agenda/?gratuit=1").get_data(as_text=True)
    assert "Portes ouvertes du Phare" in html
    assert "Atelier tricot annulé" not in html
    html = client.get("/agenda/?besoin=manger").get_data(as_text=True)
    assert "Aucun rendez-vous" in html
    assert "Enlever les filtres" in html


@pytest.mark.parametrize("query", ["date=2027-02-29", "date=9999-12-31", "date=0001-01-01&vue=mois",
                                   "mois=2026-13", "date=demain"])
def test_bad_date_parameter_is_a_400_with_a_message(client, mixed, query):
    response = client.get(f"/agenda/?{query}")
    assert response.status_code == 400
    assert "n&#39;est pas comprise" in response.get_data(as_text=True)


def test_on_sheet_partial_and_guide(app, mixed):
    with app.test_request_context("/annuaire/agheb-le-phare"):
        from flask import render_template_string

        html = render_template_string('{% include "agenda/_on_sheet.html" %}', slug="agheb-le-phare")
        assert "Prochains rendez-vous" in html
        assert "Portes ouvertes du Phare" in html
        assert "caché" not in html
        guide = render_template_string('{% include "agenda/_in_guide.html" %}')
        assert "Portes ouvertes du Phare" in guide
        assert all(title not in guide for title in SECRET)


# ---------------------------------------------------------------- the form


def form(auth, url="/agenda/nouveau", **values):
    data = {"title": "Portes ouvertes", "kind": "portes-ouvertes", "start_date": "2026-12-03",
            "start_time": "14:00", "end_time": "17:00", "structure": "agheb-le-phare",
            "place": "structure", "price": "gratuit", "status": "publie", "base_rev": "0",
            "csrf_token": auth.token("/agenda/nouveau"), **values}
    return data


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"end_time": "13:00"}, "end_time", "La fin doit être après le début"),
    ({"title": "x" * 10_000}, "title", "10 000 caractères"),
    ({"start_date": "2027-02-29"}, "start_date", "29 février 2027 n&#39;existe pas"),
    ({"start_date": "2026-03-29", "start_time": "02:30", "end_time": "04:00"}, "start_time",
     "les horloges passent de 2 h à 3 h"),
    ({"structure": "inconnue"}, "structure", "Aucune fiche"),
    ({"status": "annule"}, "cancel_reason", "Dites pourquoi"),
    ({"besoins": "voler"}, "besoins", "dans la liste"),
])
def test_bad_input_is_refused_and_nothing_is_saved(app, client, auth, values, field, message):
    auth.login()
    response = client.post("/agenda/nouveau", data=form(auth, **values))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="f-{field}-error"' in html or 'class="error"' in html
    assert app.extensions["reperes"]["events"].names() == []


def test_bad_picture_is_refused_and_nothing_is_saved(app, client, auth):
    auth.login()
    data = form(auth, picture_alt="Affiche")
    data["picture"] = (BytesIO(b"not an image at all"), "affiche.png")
    response = client.post("/agenda/nouveau", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "n&#39;est pas une photo" in response.get_data(as_text=True)
    assert app.extensions["reperes"]["events"].names() == []


def test_picture_is_stored_reencoded_and_served(app, client, auth):
    from PIL import Image  # test only: make a small PNG

    buffer = BytesIO()
    Image.new("RGB", (800, 600), "orange").save(buffer, "PNG")
    auth.login()
    data = form(auth, picture_alt="Affiche orange")
    data["picture"] = (BytesIO(buffer.getvalue()), "affiche.png")
    response = client.post("/agenda/nouveau", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    name = response.headers["Location"].rsplit("/", 1)[1]
    image = client.get(f"/agenda/evenement/{name}/image")
    assert image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"].startswith("public")  # published on a published sheet
    assert client.get(f"/agenda/evenement/{name}/image?taille=vignette").status_code == 200
    data = form(auth, picture_alt="Affiche interne", internal="1", title="Réunion interne")
    data["picture"] = (BytesIO(buffer.getvalue()), "affiche.png")
    internal = client.post("/agenda/nouveau", data=data, content_type="multipart/form-data")
    internal_name = internal.headers["Location"].rsplit("/", 1)[1]
    private = client.get(f"/agenda/evenement/{internal_name}/image")
    assert private.headers["Cache-Control"] == "private, max-age=3600"
    # A picture without a description is refused.
    data = form(auth)
    data["picture"] = (BytesIO(buffer.getvalue()), "affiche.png")
    response = client.post("/agenda/nouveau", data=data, content_type="multipart/form-data")
    assert response.status_code == 400


def test_create_with_capped_recurrence_then_edit_history_diff_revert(app, client, auth):
    auth.login()
    response = client.post("/agenda/nouveau", data=form(auth, repeat="hebdomadaire"),
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "au bout d&#39;un an" in html
    name = cal.entries(app.extensions["reperes"]["events"])[0].name
    assert name == "2026-12-03-portes-ouvertes"
    token = auth.token(f"/agenda/evenement/{name}/modifier")
    response = client.post(f"/agenda/evenement/{name}/modifier",
                           data={**form(auth, title="Portes ouvertes et café"), "base_rev": "1",
                                 "csrf_token": token, "repeat": "hebdomadaire", "until": "2027-01-28"})
    assert response.status_code == 302
    # A stale form (base revision 1 while 2 is current) is refused, nothing lost.
    response = client.post(f"/agenda/evenement/{name}/modifier",
                           data={**form(auth, title="Écrase tout"), "base_rev": "1", "csrf_token": token})
    assert response.status_code == 409
    assert "pendant que vous le modifiiez" in response.get_data(as_text=True)
    assert cal.load(app.extensions["reperes"]["events"], name).event.title == "Portes ouvertes et café"
    history = client.get(f"/agenda/evenement/{name}/historique").get_data(as_text=True)
    assert "Revenir à la version 1" in history
    diff = client.get(f"/agenda/evenement/{name}/diff?de=1&a=2").get_data(as_text=True)
    assert "café" in diff
    response = client.post(f"/agenda/evenement/{name}/revenir", data={"rev": "1", "csrf_token": token})
    assert response.status_code == 302
    assert cal.load(app.extensions["reperes"]["events"], name).event.title == "Portes ouvertes"
    assert client.post(f"/agenda/evenement/{name}/revenir",
                       data={"rev": "99", "csrf_token": token}).status_code == 400


def test_visitors_cannot_edit(client, mixed):
    assert client.get("/agenda/nouveau").status_code == 302
    assert client.get("/agenda/evenement/public-portes-ouvertes/modifier").status_code == 302
    assert client.get("/agenda/evenement/public-portes-ouvertes/historique").status_code == 302
    response = client.post("/agenda/evenement/interne-reunion/compte-rendu")
    assert response.status_code in (302, 400)
    assert client.get("/agenda/a-verifier").status_code == 302


def test_change_by_a_non_referent_waits_for_the_referent(app, client, auth, mixed):
    auth.login("anne")
    token = auth.token("/agenda/nouveau")
    response = client.post("/agenda/nouveau", data={**form(auth), "csrf_token": token})
    name = response.headers["Location"].rsplit("/", 1)[1]
    store = app.extensions["reperes"]["events"]
    assert cal.pending(store, cal.load(store, name), ("bob",))
    assert client.post(f"/agenda/evenement/{name}/verifie",
                       data={"csrf_token": token}).status_code == 403
    auth.logout()
    auth.login("bob")  # référent of agheb-le-phare
    html = client.get("/agenda/a-verifier").get_data(as_text=True)
    assert "Portes ouvertes" in html
    assert "ai vérifié" in html
    response = client.post(f"/agenda/evenement/{name}/verifie",
                           data={"csrf_token": auth.token("/agenda/a-verifier"), "back": "liste"})
    assert response.status_code == 302
    assert not cal.pending(store, cal.load(store, name), ("bob",))
    assert "Rien à vérifier" in client.get("/agenda/a-verifier").get_data(as_text=True)


def test_minutes_page_in_one_click_linked_both_ways(app, client, auth, mixed):
    pages = app.extensions["reperes"]["pages"]
    pages.save("Modèles/Compte rendu de réunion", "# Compte rendu de réunion — (date)\n\n## Décisions\n",
               author="test", meta={"public": False})
    auth.login()
    page = client.get("/agenda/evenement/interne-reunion").get_data(as_text=True)
    assert "Créer la page de compte rendu" in page
    token = auth.token("/agenda/evenement/interne-reunion")
    response = client.post("/agenda/evenement/interne-reunion/compte-rendu",
                           data={"csrf_token": token, "jour": "2026-11-27"})
    assert response.status_code == 302
    page_name = "Comptes rendus/2026-11-27 Réunion interne secrète"
    assert pages.exists(page_name)
    text = pages.load(page_name).text
    assert "(/agenda/evenement/interne-reunion)" in text
    assert "27 novembre 2026" in text
    assert "## Décisions" in text
    assert pages.load(page_name).meta["public"] is False
    event = cal.load(app.extensions["reperes"]["events"], "interne-reunion").event
    assert event.minutes_page == page_name
    html = client.get("/agenda/evenement/interne-reunion").get_data(as_text=True)
    assert re.search(r'href="/wiki/Comptes%20rendus/2026-11-27', html)
    # A second click opens the same page, no duplicate.
    again = client.post("/agenda/evenement/interne-reunion/compte-rendu", data={"csrf_token": token})
    assert again.status_code == 302
    assert "action=edit" not in again.headers["Location"]
    assert len([n for n in pages.names() if n.startswith("Comptes rendus/")]) == 1


def test_dst_night_times_stay_right_in_page_and_ics(app, client, mixed):
    put(app, "nuit-automne", title="Veillée", start="2026-10-25T02:30", end="2026-10-25T04:00",
        structure="centre-social-de-kerangoff")
    html = client.get("/agenda/evenement/nuit-automne").get_data(as_text=True)
    assert "dimanche 25 octobre 2026, 2\u00a0h\u00a030 – 4\u00a0h" in html
    assert b"DTSTART;TZID=Europe/Paris:20261025T023000" in client.get("/agenda.ics").data
    week = client.get("/agenda/?date=2026-10-25").get_data(as_text=True)
    assert "2\u00a0h\u00a030" in week
    assert "Veillée" in week


def test_count_events_by_kind_and_month(app, mixed):
    put(app, "atelier-hebdo", title="Atelier", kind="atelier", start="2026-11-03T14:00",
        end="2026-11-03T16:00", repeat="hebdomadaire", until="2026-12-31")
    counts = count_events(app)
    assert counts["2026-11"]["atelier"] == 4           # 3, 10, 17, 24 November
    assert counts["2026-12"]["atelier"] == 5
    assert counts["2026-11"]["portes-ouvertes"] == 0   # kind "autre" for the test events
    assert counts["2026-11"]["reunion-reseau"] == 1    # internal ones are counted for the network
    assert count_events(app, include_internal=False)["2026-11"]["reunion-reseau"] == 0
    # Cancelled and draft events are not counted.
    assert sum(counts["2026-11"].values()) == 4 + 1 + 1 + 1  # ateliers, réunion, portes ouvertes, fiche brouillon


def test_sheet_page_guide_and_follow_up_show_the_agenda(client, auth, mixed):
    sheet = client.get("/annuaire/agheb-le-phare").get_data(as_text=True)
    assert "Prochains rendez-vous" in sheet
    assert "Portes ouvertes du Phare" in sheet
    assert "/annuaire/agheb-le-phare/agenda.ics" in sheet
    guide = client.get("/annuaire/guide").get_data(as_text=True)
    assert "Rendez-vous du mois à venir" in guide
    assert "Portes ouvertes du Phare" in guide
    assert all(title not in guide for title in SECRET)
    assert "Portes ouvertes du Phare" not in client.get("/annuaire/guide?besoin=manger").get_data(
        as_text=True)
    auth.login("bob")
    assert "Événements modifiés à vérifier" in client.get("/annuaire/suivi").get_data(as_text=True)


def test_delete_needs_confirmation_and_is_audited(app, client, auth, mixed):
    from admin import audit

    auth.login()
    token = auth.token("/agenda/evenement/brouillon-atelier/modifier")
    response = client.post("/agenda/evenement/brouillon-atelier/supprimer", data={"csrf_token": token})
    assert response.status_code == 303
    assert app.extensions["reperes"]["events"].exists("brouillon-atelier")
    response = client.post("/agenda/evenement/brouillon-atelier/supprimer",
                           data={"csrf_token": token, "confirm": "1"})
    assert response.status_code == 302
    assert not app.extensions["reperes"]["events"].exists("brouillon-atelier")
    assert client.get("/agenda/evenement/brouillon-atelier").status_code == 404
    assert client.post("/agenda/evenement/brouillon-atelier/supprimer",
                       data={"csrf_token": token, "confirm": "1"}).status_code == 404
    entries, _more = audit.read(app.config["DATA_DIR"])
    assert ("agenda.delete", "evenement:brouillon-atelier") in {(e.action, e.target) for e in entries}


def test_publication_and_cancellation_are_audited(app, client, auth):
    from admin import audit

    auth.login()
    response = client.post("/agenda/nouveau", data=form(auth))
    name = response.headers["Location"].rsplit("/", 1)[1]
    token = auth.token(f"/agenda/evenement/{name}/modifier")
    client.post(f"/agenda/evenement/{name}/modifier",
                data={**form(auth, status="annule", cancel_reason="Tempête"), "base_rev": "1",
                      "csrf_token": token})
    entries, _more = audit.read(app.config["DATA_DIR"])
    actions = [(e.action, e.detail) for e in entries if e.target == f"evenement:{name}"]
    assert ("agenda.publish", "") in actions
    assert ("agenda.cancel", "Tempête") in actions
    html = client.get("/agenda/?date=2026-12-03").get_data(as_text=True)
    assert "Tempête" in html
    assert "webcal://localhost/agenda.ics" in html


def test_evaluation_partial_counts_the_last_twelve_months(app, auth, client, mixed):
    from flask import render_template_string

    auth.login()
    client.get("/agenda/")
    with app.test_request_context("/evaluation/"):
        html = render_template_string('{% include "agenda/_evaluation.html" %}')
    assert "Événements du réseau par mois" in html
    assert "2026-11" in html
    assert "2025-11" not in html


def test_evaluation_page_shows_the_events_by_month(client, auth, mixed):
    auth.login()
    html = client.get("/evaluation/").get_data(as_text=True)
    assert "Événements du réseau par mois" in html
    assert "2026-11" in html


def test_two_members_creating_the_same_event_never_overwrite_each_other(app, monkeypatch):
    from agenda import views

    store = app.extensions["reperes"]["events"]
    first = Event(title="A", start="2026-12-03T14:00", end="2026-12-03T15:00")
    store.save("pris", first.to_text(), author="anne")
    names = iter(["pris", "libre"])  # the first name was taken between the check and the save
    monkeypatch.setattr(views, "new_name", lambda event, exists: next(names))
    second = Event(title="B", start="2026-12-03T14:00", end="2026-12-03T15:00")
    with app.test_request_context():
        assert views._create(store, second, author="bob", meta={}, comment="") == "libre"
    assert cal.load(store, "pris").event.title == "A"
    assert cal.load(store, "libre").event.title == "B"


def test_check_knows_event_pictures(app, client, auth):
    from PIL import Image  # test only: make a small PNG

    from admin.check import check, media_sets

    buffer = BytesIO()
    Image.new("RGB", (50, 40), "blue").save(buffer, "PNG")
    auth.login()
    data = form(auth, picture_alt="Carré bleu")
    data["picture"] = (BytesIO(buffer.getvalue()), "bleu.png")
    assert client.post("/agenda/nouveau", data=data, content_type="multipart/form-data").status_code == 302
    media = [m for m in media_sets(app) if m.label == "images des événements"]
    assert len(media[0].referenced) == 1
    report = check(app.config["DATA_DIR"], media)
    assert not [p for p in report.problems if p.kind.startswith("media")]
    stray = media[0].folder / ("0" * 24 + ".jpg")
    stray.write_bytes(b"x")
    report = check(app.config["DATA_DIR"], media_sets(app))
    assert [p.kind for p in report.problems if "0" * 24 in str(p.path)] == ["media-orphan"]


def test_a_draft_sheet_name_never_shows_in_the_agenda_for_visitors(client, auth, mixed):
    html = client.get("/agenda/?structure=fiche-brouillon").get_data(as_text=True)
    assert "Fiche en brouillon" not in html
    assert "caché" not in html
    auth.login()
    assert "Fiche en brouillon" in client.get("/agenda/?structure=fiche-brouillon").get_data(as_text=True)


@pytest.mark.parametrize("title", ["Réunion A/B", "../../etc/passwd", "#tag .point",
                                   "Réunion é" * 15])
def test_minutes_page_name_is_always_valid(title):
    from datetime import date

    from agenda.views import minutes_name
    from wiki.names import quote

    name = minutes_name(date(2026, 12, 7), title)
    assert name.startswith("Comptes rendus/2026-12-07")
    assert quote(name)
    assert name.count("/") == 1


def test_called_off_date_in_page_ics_and_counts(app, client, auth):
    auth.login()
    response = client.post("/agenda/nouveau", data=form(
        auth, repeat="hebdomadaire", until="2027-01-28", exceptions="24/12/2026 — Noël"))
    assert response.status_code == 302
    week = client.get("/agenda/?date=2026-12-24").get_data(as_text=True)
    assert "Pas de rendez-vous ce jour-là : Noël" in week
    assert b"RECURRENCE-ID;TZID=Europe/Paris:20261224T140000" in client.get("/agenda.ics").data
    assert count_events(app)["2026-12"]["portes-ouvertes"] == 4  # 3, 10, 17, 31 December
    edit = client.get(response.headers["Location"] + "/modifier").get_data(as_text=True)
    assert "24/12/2026 — Noël" in edit


def test_member_private_link_includes_internal_meetings_and_can_be_renewed(app, client, auth, mixed):
    auth.login("anne")
    assert "Créer mon lien personnel" in client.get("/agenda/mon-lien").get_data(as_text=True)
    token = auth.token("/agenda/mon-lien")
    assert client.post("/agenda/mon-lien", data={"csrf_token": token}).status_code == 302
    link = re.search(r'id="f-link" type="url" value="http://localhost(/agenda/membre/[^"]+\.ics)"',
                     client.get("/agenda/mon-lien").get_data(as_text=True)).group(1)
    auth.logout()
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    uids = {str(v["UID"]).split("@")[0] for v in Calendar.from_ical(response.data).walk("VEVENT")}
    assert uids == {"public-portes-ouvertes", "annule-atelier", "interne-reunion"}
    # Renewing makes the old link stop working.
    auth.login("anne")
    client.post("/agenda/mon-lien", data={"csrf_token": auth.token("/agenda/mon-lien")})
    assert client.get(link).status_code == 404
    # A disabled account's link stops working too.
    new_link = re.search(r'value="http://localhost(/agenda/membre/[^"]+\.ics)"',
                         client.get("/agenda/mon-lien").get_data(as_text=True)).group(1)
    assert client.get(new_link).status_code == 200
    app.extensions["reperes"]["users"].set_active("anne", False)
    assert client.get(new_link).status_code == 404


@pytest.mark.parametrize("token", ["x", "a" * 43, "../../config/secret_key", "%00" * 20])
def test_unknown_member_links_are_404(client, mixed, token):
    assert client.get(f"/agenda/membre/{token}.ics").status_code == 404


def test_random_bad_forms_never_give_a_500(app, client, auth):
    import random

    rnd = random.Random(2026)
    junk = ["", " ", "x" * 5000, "2026-02-30", "29/02/2027", "25:61", "02:30", "\x00\u202e", "<script>",
            "2026-03-29", "2026-10-25", "hebdomadaire", "mensuelle", "mensuelle-jour", "annule",
            "publie", "autre", "structure", "agheb-le-phare", "../x", "1", "-1", "9999-12-31"]
    fields = ["title", "kind", "start_date", "start_time", "end_date", "end_time", "repeat", "until",
              "structure", "place", "address", "price", "status", "cancel_reason", "registration",
              "registration_how", "exceptions", "besoins", "publics", "internal", "base_rev"]
    auth.login()
    token = auth.token("/agenda/nouveau")
    for _ in range(150):
        data = {f: rnd.choice(junk) for f in fields if rnd.random() < 0.8}
        data["csrf_token"] = token
        response = client.post("/agenda/nouveau", data=data)
        assert response.status_code in (302, 400), (data, response.status_code)


def test_event_on_a_draft_sheet_is_saved_with_a_warning_and_stays_private(app, client, auth, mixed):
    auth.login()
    response = client.post("/agenda/nouveau", data=form(auth, structure="fiche-brouillon",
                                                        title="Visite fiche brouillon"),
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "fiche de cette structure n&#39;est pas publiée" in html
    assert "Non visible du public" in html
    auth.logout()
    assert "Visite fiche brouillon" not in client.get("/agenda/?date=2026-12-03").get_data(as_text=True)
    assert b"Visite fiche brouillon" not in client.get("/agenda.ics").data
    assert b"Visite fiche brouillon" not in client.get("/agenda/flux.atom").data


def test_sheet_listener_is_attached_for_cli_commands_too(app, mixed):
    sheets = app.extensions["reperes"]["structures"]
    with app.app_context():  # what `flask ...` commands do
        pass
    assert any(getattr(f, "agenda_follows", False) for f in sheets.listeners)


def test_single_event_ics(client, auth, mixed):
    response = client.get("/agenda/evenement/public-portes-ouvertes/agenda.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    summaries = [str(v["SUMMARY"]) for v in Calendar.from_ical(response.data).walk("VEVENT")]
    assert summaries == ["Portes ouvertes du Phare"]
    assert client.get("/agenda/evenement/interne-reunion/agenda.ics").status_code == 302
    auth.login()
    private = client.get("/agenda/evenement/interne-reunion/agenda.ics")
    assert private.status_code == 200
    assert private.headers["Cache-Control"] == "private, no-store"
