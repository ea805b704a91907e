"""The English catalogue: complete, compiled, and used when a visitor asks for English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
POT = ROOT / "translations" / "messages.pot"
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|%%")


def _catalog(path):
    with open(path, "rb") as fh:
        return read_po(fh) if path.suffix in (".po", ".pot") else read_mo(fh)


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalog = _catalog(PO)
    entries = [m for m in catalog if m.id]
    assert len(entries) > 1000
    untranslated = [m.id for m in entries if not all(s.strip() for s in _strings(m))]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert not catalog.fuzzy


def test_placeholders_and_plural_forms_are_kept():
    catalog = _catalog(PO)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = _strings(message)
        assert len(strings) == (2 if message.pluralizable else 1), message.id
        for msgid, msgstr in zip(ids, strings, strict=False):
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        if message.python_format:
            python_format(catalog, message)  # raises TranslationError on a mismatch
        # Markdown and HTML fragments survive the translation.
        for token in ("**", "[[", "](attachment:", "<<<<<<<", "https://", "#"):
            if token in ids[0]:
                assert token in strings[0], (message.id, token)


def test_catalogue_matches_the_template_and_the_compiled_file():
    template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _catalog(POT) if m.id}
    po = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in _catalog(PO) if m.id}
    assert template <= set(po), sorted(map(str, template - set(po)))[:5]
    compiled = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in _catalog(MO) if m.id}
    assert set(compiled) == set(po), "run scripts/i18n: the .mo is older than the .po"
    for key, message in po.items():
        assert _strings(compiled[key]) == _strings(message), key


def test_a_known_entry_is_translated():
    po = {m.id: m for m in _catalog(PO) if m.id}
    assert po["Se connecter"].string == "Log in"
    assert po[("%(num)d résultat", "%(num)d résultats")].string == ("%(num)d result", "%(num)d results")


PAGES = [
    # url, English words that must show, French words that must not
    ("/wiki/Accueil", ["Skip to content", "Log in"], ["Aller au contenu", "Se connecter"]),
    ("/login", ["Member login", "Password", "Log in"], ["Mot de passe", "Connexion des membres"]),
    ("/annuaire/", ["Show places", "Open now", "All needs"], ["Voir les lieux", "Tous les besoins"]),
    ("/recherche?q=douche", ["No results for", "Search words"], ["Aucun résultat pour", "Mots recherchés"]),
    ("/agenda/", ["This week", "Filter the events"], ["Cette semaine", "Filtrer l'agenda"]),
]


@pytest.mark.parametrize(("url", "english", "french"), PAGES)
def test_pages_in_english(client, url, english, french):
    sep = "&" if "?" in url else "?"
    html = client.get(f"{url}{sep}lang=en").get_data(as_text=True)
    assert '<html lang="en"' in html
    for words in english:
        assert words in html, (url, words)
    for words in french:
        assert words not in html, (url, words)


@pytest.mark.parametrize("url", [page[0] for page in PAGES])
def test_pages_in_french_by_default(client, url):
    html = client.get(url).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Aller au contenu" in html
    assert "Skip to content" not in html


def test_the_choice_is_remembered_and_can_be_undone(client):
    client.get("/login?lang=en")
    assert "Member login" in client.get("/login").get_data(as_text=True)
    html = client.get("/login?lang=fr").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Connexion des membres" in html


def test_an_unknown_language_falls_back_to_french(client):
    html = client.get("/login?lang=xx").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Connexion des membres" in html
    assert client.get_cookie("lang") is None


def test_logged_in_pages_in_english(client, auth):
    auth.login("admin")
    html = client.get("/compte?lang=en").get_data(as_text=True)
    assert "My account" in html
    assert "Change my password" in html
    assert "Log out" in client.get("/wiki/?lang=en").get_data(as_text=True)


def test_a_marked_message_is_french_text_translated_where_a_page_shows_it(app):
    import pickle

    from flask import render_template_string

    from i18n import N_, translate

    message = N_("Au plus %(n)d photos par fiche.", n=3)
    assert message == "Au plus 3 photos par fiche."
    assert (message.msgid, message.params) == ("Au plus %(n)d photos par fiche.", {"n": 3})
    assert pickle.loads(pickle.dumps(message)).params == {"n": 3}
    assert translate(message) == "Au plus 3 photos par fiche."  # no request: French
    nested = N_("Titre refusé : %(why)s", why=N_("Page introuvable"))
    with app.test_request_context("/?lang=en"):
        assert render_template_string("{{ m }}", m=message) == "At most 3 photos per listing."
        assert render_template_string("<p>{{ m }}</p>", m=nested) == "<p>Title refused: Page not found</p>"
        assert render_template_string("{{ m }}", m=N_("<b>pas au catalogue</b>")) == "&lt;b&gt;pas au catalogue&lt;/b&gt;"
        assert str(message) == "Au plus 3 photos par fiche."  # the text itself stays French
    with app.test_request_context("/"):
        assert render_template_string("{{ m }}", m=message) == "Au plus 3 photos par fiche."


def test_reference_labels_are_in_the_catalogue_and_translated(app):
    from flask import render_template_string

    from directory import reference

    po = {m.id: m for m in _catalog(PO) if m.id}
    assert po["Tous publics"].string == "Everyone"
    assert po["Centres communaux d’action sociale (CCAS)"].string.endswith("(CCAS)")
    label = reference.publics()["tous-publics"]
    assert label == "Tous publics"
    with app.test_request_context("/?lang=en"):
        assert render_template_string("{{ x }}", x=label) == "Everyone"


def test_agenda_dates_follow_the_language(app):
    from datetime import UTC, date, datetime

    from agenda import recurrence as rec

    day, moment = date(2026, 12, 1), datetime(2026, 12, 1, 13, 30, tzinfo=UTC)
    assert rec.format_day(day, weekday=True) == "mardi 1er décembre 2026"
    with app.test_request_context("/?lang=en"):
        assert rec.format_day(day, weekday=True) == "Tuesday 1 December 2026"
        assert rec.format_clock(moment) == "14:30"
        assert rec.format_range(date(2026, 11, 30), date(2026, 12, 6)) == "30 November – 6 December 2026"
        assert rec.month_name(12) == "December"
        assert rec.describe_repeat(day, rec.MONTHLY_WEEKDAY, date(2027, 6, 1)) == \
            "on the first Tuesday of every month until 1 June 2027"
        assert rec.describe_repeat(day, rec.WEEKLY, date(2027, 6, 1)) == "every Tuesday until 1 June 2027"
    with app.test_request_context("/"):
        assert rec.format_range(date(2026, 11, 23), date(2026, 11, 29)) == "du 23 au 29 novembre 2026"
        assert rec.describe_repeat(day, rec.MONTHLY_WEEKDAY, date(2027, 6, 1)) == \
            "le premier mardi de chaque mois jusqu'au 1er juin 2027"


def test_error_pages_in_english(client):
    response = client.get("/pas-de-page-ici?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "Page introuvable" in client.get("/pas-de-page-ici?lang=fr").get_data(as_text=True)


def test_directory_form_errors_in_english(client, auth):
    auth.login()
    form = {
        "csrf_token": auth.token("/annuaire/nouvelle"), "base_rev": "0", "name": "ab",
        "status": "publiee", "postcode": "2920", "holidays": "ferme", "step_free": "oui",
        "animals": "inconnu", "day-0-0-start": "09:00", "day-0-0-end": "25:00",
    }
    response = client.post("/annuaire/nouvelle?lang=en", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The name: at least 3 characters." in html
    assert "The postcode has 5 digits (e.g. 29200)." in html
    assert "Invalid time: write it like 09:00 or 17:30." in html
    assert "Le code postal a 5 chiffres" not in html
    form["csrf_token"] = auth.token("/annuaire/nouvelle?lang=fr")
    html = client.post("/annuaire/nouvelle?lang=fr", data=form).get_data(as_text=True)
    assert "Le nom : au moins 3 caractères." in html
    assert "Le code postal a 5 chiffres (ex. 29200)." in html


@pytest.mark.parametrize(("values", "english"), [
    ({"end_time": "13:00"}, "The end must be after the start"),
    ({"start_date": "2027-02-29"}, "29 February 2027 does not exist: 2027 is not a leap year."),
    ({"start_date": "31/04/2026"}, "31 April 2026 does not exist."),
    ({"start_date": "2026-03-29", "start_time": "02:30", "end_time": "04:00"},
     "The start time does not exist: on the night of 29 March 2026, the clocks go forward"),
    ({"start_time": "25:00"}, "The start time is not a time (expected: hh:mm"),
    ({"price_details": "x" * 500}, "This text is too long: 300 characters at most."),
])
def test_agenda_form_errors_in_english(client, auth, values, english):
    auth.login()
    data = {"title": "Portes ouvertes", "kind": "portes-ouvertes", "start_date": "2026-12-03",
            "start_time": "14:00", "end_time": "17:00", "place": "autre", "address": "1 rue de Siam",
            "price": "gratuit", "status": "publie", "base_rev": "0",
            "csrf_token": auth.token("/agenda/nouveau"), **values}
    response = client.post("/agenda/nouveau?lang=en", data=data)
    assert response.status_code == 400
    assert english in response.get_data(as_text=True)


def test_wiki_title_errors_in_english(client, auth):
    auth.login()
    html = client.get("/nouvelle-page?titre=/Projets&ouvrir=1&lang=en").get_data(as_text=True)
    assert "Title refused: The name cannot start or end with “/”." in html
    html = client.get("/nouvelle-page?titre=/Projets&ouvrir=1&lang=fr").get_data(as_text=True)
    assert "Titre refusé : Le nom ne peut ni commencer ni finir par « / »." in html


def test_account_errors_and_role_names_in_english(client, auth):
    auth.login("admin")
    html = client.get("/admin/comptes?lang=en").get_data(as_text=True)
    assert "administrator" in html
    assert "moderator" in html
    token = auth.token("/admin/comptes")
    response = client.post("/admin/comptes?lang=en", data={"csrf_token": token, "username": "anne"})
    assert response.status_code == 400
    assert "The account “anne” already exists." in response.get_data(as_text=True)
    response = client.post("/compte?lang=en", data={
        "csrf_token": auth.token("/compte"), "current": "admin-password", "new": "court", "confirm": "court"})
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_directory_sheet_in_english(client, auth):
    auth.login()
    form = {
        "csrf_token": auth.token("/annuaire/nouvelle"), "base_rev": "0", "name": "Le Lieu Test",
        "status": "publiee", "address": "1 rue de Siam", "postcode": "29200", "town": "Brest",
        "step_free": "oui", "animals": "inconnu", "holidays": "ferme",
        "day-0-0-start": "09:00", "day-0-0-end": "12:30", "updated": "2026-03-01",
        "svc-0-name": "Douches", "svc-0-description": "Douches chaudes", "svc-0-needs": "se-laver",
        "svc-0-access": "sans-rdv", "svc-0-price": "gratuit", "svc-0-publics": "tous-publics",
    }
    assert client.post("/annuaire/nouvelle", data=form).status_code in (302, 303)
    html = client.get("/annuaire/le-lieu-test?lang=en").get_data(as_text=True)
    assert "9:00 – 12:30" in html
    assert "Monday" in html
    assert "public holidays" in html
    assert 'data-copied="Link copied"' in html  # the copy button's message, for static/js
    assert "No appointment needed" in html
    html = client.get("/annuaire/le-lieu-test?lang=fr").get_data(as_text=True)
    assert "9\xa0h – 12\xa0h\xa030" in html
    assert "Sans rendez-vous" in html


def test_attachment_errors_in_english(app, client, auth):
    import io

    app.extensions["reperes"]["pages"].save("Notes", "texte", author="anne")
    auth.login()
    token = auth.token("/wiki/")
    data = {"csrf_token": token, "file": [(io.BytesIO(b"%PDF-1.4 fake"), "photo.jpg")]}
    response = client.post("/wiki/Notes?action=upload&lang=en", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The content of “photo.jpg” does not match its name: it is a PDF file." in html
    data = {"csrf_token": token, "file": [(io.BytesIO(b""), "vide.txt")]}
    html = client.post("/wiki/Notes?action=upload&lang=en", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "The file is empty. Accepted formats: images, PDF, office documents, sounds, text." in html


def test_closure_notices_follow_the_language(app):
    from datetime import date

    from directory.hours import Closure, Hours, Slot, closure_notices

    hours = Hours(holidays="ferme", closures=(
        Closure("2026-03-03", "2026-03-14", "travaux"),
        Closure("2026-04-01", "2026-04-01", "", (Slot("10:00", "12:00"),)),
    ))
    texts = [n.text for n in closure_notices(hours, date(2026, 3, 1))]
    assert texts == ["Fermé du 3 mars au 14 mars 2026 — travaux",
                     "Horaires exceptionnels le 1er avril 2026 : 10 h – 12 h"]
    with app.test_request_context("/?lang=en"):
        texts = [n.text for n in closure_notices(hours, date(2026, 3, 1))]
    assert texts == ["Closed from 3 March to 14 March 2026 — travaux",
                     "Exceptional hours on 1 April 2026: 10:00 – 12:00"]
