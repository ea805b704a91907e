"""Client tests of the directory: filters, visibility, statuses, editing and its bad input,
history, référents, photos, guide and open data URLs."""

import io
import json
import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from directory import demo
from directory.hours import PARIS
from directory.sheet import all_sheets, load, save

# Monday 2 March 2026, 10:00 in Brest.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
SCHEMA_DIR = Path(__file__).parent.parent / "directory" / "reference"


@pytest.fixture
def directory(app):
    """The demo sheets, published and fresh, with the clock on Monday 10:00."""
    store = app.extensions["reperes"]["structures"]
    app.extensions["reperes"]["directory_clock"] = lambda: MONDAY_10
    for sheet in demo.sheets(date(2026, 3, 1)):
        save(store, replace(sheet, status="publiee", updated="2026-02-20", example=True),
             author="demo", create=True, confirm=False)
    return store


def names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/annuaire/[^"]+">([^<]+)</a></h3>', html)


def set_status(store, slug, status, **changes):
    sheet, _ = load(store, slug)
    save(store, replace(sheet, status=status, **changes), author="anne", confirm=False)


# ---------------------------------------------------------------- public list and filters


def test_list_shows_published_sheets_with_count(client, directory):
    html = client.get("/annuaire/").get_data(as_text=True)
    assert len(names(html)) == len(demo.sheets(date(2026, 3, 1)))
    assert "13 lieux" in html
    assert "exemple — à vérifier" in html
    assert 'data-lat="48.3889"' in html  # the map reads the list


def test_shower_open_now_in_three_taps(client, directory):
    html = client.get("/annuaire/").get_data(as_text=True)
    assert 'href="/annuaire/?besoin=se-laver#resultats"' in html
    html = client.get("/annuaire/?besoin=se-laver").get_data(as_text=True)
    assert set(names(html)) == {"Agheb / Le Phare", "Halte accueil Frédéric Ozanam"}
    assert "besoin=se-laver&amp;ouvert=maintenant#resultats" in html
    html = client.get("/annuaire/?besoin=se-laver&ouvert=maintenant").get_data(as_text=True)
    assert names(html) == ["Agheb / Le Phare"]
    assert "Ouvert maintenant — ferme à 12 h 30" in html
    assert "1 lieu" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("besoin=sante", {"Agheb / Le Phare", "Vie Libre", "Lover Pause"}),
    ("besoin=dormir", {"Emergence", "AFTAM Louis Guilloux", "Point 48"}),
    ("besoin=etre-ecoute&ouvert=weekend", {"Halte accueil Frédéric Ozanam", "Vie Libre", "Lover Pause"}),
    ("public=personnes-en-situation-juridique-specifique&sans_rdv=1", {
        "Agheb / Le Phare", "Halte accueil Frédéric Ozanam", "Point Kerros", "Vie Libre",
        "Atelier Roulage", "Centre social de Kérangoff", "CCAS de Brest — service logement"}),
    ("besoin=manger&gratuit=1", {"Halte accueil Frédéric Ozanam"}),
    ("langue=ar", {"AFTAM Louis Guilloux", "Centre social de Kérangoff"}),
    ("quartier=Saint-Pierre", {"Centre social de Kérangoff"}),
    ("quartier=saint pierre", {"Centre social de Kérangoff"}),
    ("accessible=1&besoin=dormir", {"Emergence"}),
    ("ouvert=maintenant&besoin=addictions", set()),
    ("ouvert=weekend&besoin=addictions", {"Vie Libre"}),
    ("q=alcoolisme", {"Vie Libre"}),
    ("q=SORTANTS prison", {"Point 48"}),
    ("q=coiffure", {"Agheb / Le Phare"}),
])
def test_filters_combine(client, directory, query, expected):
    html = client.get(f"/annuaire/?{query}").get_data(as_text=True)
    assert set(names(html)) == expected


def test_no_result_says_so_and_suggests_widening(client, directory):
    html = client.get("/annuaire/?besoin=dormir&langue=uk").get_data(as_text=True)
    assert "Aucun résultat" in html
    assert 'href="/annuaire/?besoin=dormir"' in html  # widen: drop the language
    assert 'href="/annuaire/?langue=uk"' in html      # widen: drop the need


@pytest.mark.parametrize("query", ["besoin=voler", "ouvert=demain", "public=martiens",
                                   "langue=xx", "sans_rdv=oui", "q=" + "a" * 5000, "besoin=%00"])
def test_bad_filter_values_never_fail(client, directory, query):
    response = client.get(f"/annuaire/?{query}")
    assert response.status_code == 200


def test_unknown_filter_is_reported_not_applied(client, directory):
    html = client.get("/annuaire/?besoin=voler").get_data(as_text=True)
    assert "Filtre inconnu ignoré" in html
    assert "13 lieux" in html


def test_list_works_without_javascript_and_without_inline_code(client, directory):
    response = client.get("/annuaire/")
    html = response.get_data(as_text=True)
    assert "<script>" not in html
    assert 'style="' not in html
    assert "Content-Security-Policy" in response.headers
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/js/directory-map.js").status_code == 200


# ---------------------------------------------------------------- visibility and statuses


def test_drafts_and_archived_sheets_are_never_public(client, auth, directory):
    set_status(directory, "point-48", "brouillon")
    set_status(directory, "vie-libre", "archivee")
    html = client.get("/annuaire/").get_data(as_text=True)
    assert "Point 48" not in names(html)
    assert "Vie Libre" not in names(html)
    assert client.get("/annuaire/point-48").status_code == 404
    assert client.get("/annuaire/vie-libre").status_code == 404
    assert client.get("/annuaire/point-48?rev=1").status_code == 404
    assert "Point 48" not in client.get("/annuaire/guide").get_data(as_text=True)
    assert "Point 48" not in client.get("/annuaire/export.csv").get_data(as_text=True)
    assert "point-48" not in client.get("/annuaire/export/datainclusion.json").get_data(as_text=True)
    auth.login()
    html = client.get("/annuaire/").get_data(as_text=True)
    assert "Point 48" in names(html)            # members see drafts, marked as such
    assert "En cours de rédaction" in html
    assert "Vie Libre" not in names(html)       # archived stays out of the list
    assert client.get("/annuaire/vie-libre").status_code == 200
    assert "Point 48" not in client.get("/annuaire/guide").get_data(as_text=True)


def test_pro_line_and_stale_badge_are_for_members_only(client, auth, directory):
    set_status(directory, "emergence", "publiee", updated="2025-01-10")
    html = client.get("/annuaire/emergence").get_data(as_text=True)
    assert "cadre d'astreinte" not in html
    assert "à vérifier" not in html.replace("exemple — à vérifier", "")
    assert "Mis à jour le 10 janvier 2025" in html
    assert "cadre d&#39;astreinte" not in html
    assert "cadre d" not in client.get("/annuaire/?q=astreinte").get_data(as_text=True)
    auth.login()
    html = client.get("/annuaire/emergence").get_data(as_text=True)
    assert "Réservé aux professionnels" in html
    assert "cadre d&#39;astreinte" in html
    assert "À vérifier" in html
    listing = client.get("/annuaire/").get_data(as_text=True)
    assert 'dir-stale">à vérifier' in listing


def test_sheet_page_shows_hours_first_then_access_then_services(client, directory):
    html = client.get("/annuaire/agheb-le-phare").get_data(as_text=True)
    hours, access, services = (html.index(x) for x in ('id="h-hours"', 'id="h-access"', 'id="h-services"'))
    assert hours < access < services
    assert "Ouvert maintenant — ferme à 12 h 30" in html
    assert "openstreetmap.org/directions?to=48.3889%2C-4.4905" in html
    assert "Imprimer la fiche" in html
    assert 'value="http://localhost/annuaire/agheb-le-phare"' in html
    assert "Douches" in html
    assert "Coiffure" in html


def test_closure_is_announced_on_the_sheet(client, directory):
    html = client.get("/annuaire/centre-social-de-kerangoff").get_data(as_text=True)
    assert "Fermé du 21 mars au 1er avril 2026 — fermé pour travaux" in html


def test_unknown_hours_say_so(client, auth, directory):
    auth.login()
    sheet, _ = load(directory, "point-kerros")
    save(directory, replace(sheet, hours=replace(sheet.hours, days=((),) * 7)), author="anne")
    auth.logout()
    html = client.get("/annuaire/point-kerros").get_data(as_text=True)
    assert "information non communiquée" in html


# ---------------------------------------------------------------- guide and open data


def test_printable_guide_has_cover_contents_blocks_index_and_date(client, directory):
    html = client.get("/annuaire/guide").get_data(as_text=True)
    assert "Repères dans la cité" in html
    assert "Édition du 2 mars 2026" in html
    assert "Sommaire" in html
    assert "Index alphabétique" in html
    assert 'href="#cat-se-laver"' in html
    assert html.count('id="s-agheb-le-phare"') == 1
    assert "@page" not in html  # print rules live in the stylesheet
    assert "A4" in client.get("/static/css/directory.css").get_data(as_text=True)


def test_guide_accepts_the_same_filters(client, directory):
    html = client.get("/annuaire/guide?besoin=dormir").get_data(as_text=True)
    assert "Emergence" in html
    assert "Vie Libre" not in html
    assert "Sélection" in html


def test_open_data_urls(client, directory):
    response = client.get("/annuaire/export.csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("identifiant,nom,")
    data = client.get("/annuaire/export/datainclusion.json").get_json()
    structure = Draft202012Validator(json.loads((SCHEMA_DIR / "structure.json").read_text()),
                                     format_checker=FormatChecker())
    assert len(data["structures"]) == 13
    for record in data["structures"]:
        assert list(structure.iter_errors(record)) == []


# ---------------------------------------------------------------- editing


def sheet_form(token: str, **fields) -> dict:
    form = {
        "csrf_token": token, "base_rev": "0", "name": "Le Lieu Test", "status": "publiee",
        "address": "1 rue de Siam", "postcode": "29200", "town": "Brest",
        "latitude": "48.39", "longitude": "-4.49", "step_free": "oui", "animals": "inconnu",
        "phone-0-number": "02 98 00 00 00", "phone-0-label": "accueil",
        "email": "accueil@exemple.org", "holidays": "ferme",
        "day-0-0-start": "09:00", "day-0-0-end": "12:00",
        "day-0-1-start": "14:00", "day-0-1-end": "17:00",
        "svc-0-name": "Douches", "svc-0-description": "Douches chaudes", "svc-0-needs": "se-laver",
        "svc-0-access": "sans-rdv", "svc-0-price": "gratuit", "svc-0-publics": "tous-publics",
        "referents": "anne",
    }
    form.update(fields)
    return {k: v for k, v in form.items() if v is not None}


def create(client, auth, **fields):
    return client.post("/annuaire/nouvelle", data=sheet_form(auth.token("/annuaire/nouvelle"), **fields))


def test_anonymous_visitors_cannot_edit(client, directory):
    assert client.get("/annuaire/nouvelle").status_code == 302
    assert client.get("/annuaire/agheb-le-phare/modifier").status_code == 302
    response = client.post("/annuaire/agheb-le-phare/modifier", data={"name": "Piraté"})
    assert response.status_code in (302, 400)
    assert load(directory, "agheb-le-phare")[0].name == "Agheb / Le Phare"


def test_member_creates_a_sheet_from_the_form(client, auth, directory):
    auth.login()
    response = create(client, auth)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/annuaire/le-lieu-test")
    sheet, revision = load(directory, "le-lieu-test")
    assert sheet.osm_hours == "Mo 09:00-12:00,14:00-17:00; PH off"
    assert sheet.services[0].needs == ("se-laver",)
    assert sheet.updated == "2026-03-02"
    assert revision.author == "anne"
    auth.logout()
    assert "Le Lieu Test" in client.get("/annuaire/?besoin=se-laver&ouvert=maintenant").get_data(as_text=True)


def test_form_shows_several_slots_per_day_and_midnight(client, auth, directory):
    auth.login()
    response = create(client, auth, **{"day-4-0-start": "20:00", "day-4-0-end": "02:00",
                                       "day-4-0-overnight": "1", "day-5-0-start": "18:00",
                                       "day-5-0-end": "00:00"})
    assert response.status_code == 302
    sheet, _ = load(directory, "le-lieu-test")
    assert "Fr 20:00-02:00" in sheet.osm_hours
    assert "Sa 18:00-24:00" in sheet.osm_hours
    html = client.get("/annuaire/le-lieu-test/modifier").get_data(as_text=True)
    assert 'name="day-0-2-start"' in html  # two slots on Monday, a third to fill


@pytest.mark.parametrize(("fields", "error"), [
    ({"day-0-0-start": "14:00", "day-0-0-end": "12:00", "day-0-1-start": None, "day-0-1-end": None},
     "La fin (12:00) est avant le début (14:00)"),
    ({"day-0-1-start": "11:00"}, "Ce créneau chevauche un autre créneau du même jour."),
    ({"phone-0-number": "zéro deux quatre-vingt-dix-huit"}, "ne doit contenir que des chiffres"),
    ({"email": "accueil.exemple.org"}, "doit contenir « @ »"),
    ({"latitude": "40.71", "longitude": "-74.00"}, "hors de France"),
    ({"latitude": "quarante-huit"}, "Écrivez un nombre"),
    ({"closure-0-start": "2026-03-14", "closure-0-end": "2026-03-03"}, "La date de fin est avant"),
    ({"svc-0-publics": ["tous-publics", "femmes"]}, "ne se combine pas"),
    ({"referents": "personne-inconnue"}, "Membre inconnu"),
    ({"name": ""}, "Le nom de la structure est obligatoire."),
])
def test_bad_input_is_refused_next_to_the_field_and_nothing_saved(client, auth, directory, fields, error):
    auth.login()
    response = create(client, auth, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error in html.replace("&#39;", "'")
    assert 'class="error"' in html
    assert not directory.exists("le-lieu-test")
    assert 'value="02 98 00 00 00"' in html or "phone-0-number" in fields  # input kept


def test_duplicate_slug_is_refused(client, auth, directory):
    auth.login()
    response = create(client, auth, name="AGHEB — Le Phare")
    assert response.status_code == 409
    assert "/annuaire/agheb-le-phare" in response.get_data(as_text=True)
    assert load(directory, "agheb-le-phare")[0].name == "Agheb / Le Phare"


def test_missing_csrf_token_is_refused(client, auth, directory):
    auth.login()
    form = sheet_form("")
    del form["csrf_token"]
    assert client.post("/annuaire/nouvelle", data=form).status_code == 400
    assert not directory.exists("le-lieu-test")


def test_add_service_button_adds_an_empty_block_without_saving(client, auth, directory):
    auth.login()
    response = create(client, auth, add_service="1")
    assert response.status_code == 200
    assert 'name="svc-1-name"' in response.get_data(as_text=True)
    assert not directory.exists("le-lieu-test")


def test_referent_updates_hours_and_history_shows_it(client, auth, directory):
    auth.login()
    url = "/annuaire/clic-de-brest/modifier"
    html = client.get(url).get_data(as_text=True)
    assert 'value="09:00"' in html
    sheet, revision = load(directory, "clic-de-brest")
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    form = sheet_form(auth.token(url), name=sheet.name, base_rev=str(revision.number),
                      **{"day-0-0-start": "08:30", "day-0-0-end": "12:30", "day-0-1-start": None,
                         "day-0-1-end": None, "referents": "anne"})
    response = client.post(url, data=form)
    assert response.status_code == 302
    page = client.get("/annuaire/clic-de-brest").get_data(as_text=True)
    assert "8\u00a0h\u00a030 – 12\u00a0h\u00a030" in page  # no-break spaces inside a time
    history = client.get("/annuaire/clic-de-brest/historique").get_data(as_text=True)
    assert "Revenir à la version 1" in history
    diff = client.get("/annuaire/clic-de-brest/diff?from=1&to=2").get_data(as_text=True)
    assert "08:30" in re.sub(r"<[^>]+>", "", diff)  # changed words are wrapped in <ins>
    assert 'class="add"' in diff
    token = auth.token("/annuaire/clic-de-brest/historique")
    response = client.post("/annuaire/clic-de-brest/revenir", data={"rev": "1", "csrf_token": token})
    assert response.status_code == 302
    assert load(directory, "clic-de-brest")[0].hours == sheet.hours
    assert len(directory.revisions("clic-de-brest")) == 3


def test_stale_form_is_not_merged_but_given_back(client, auth, directory):
    auth.login()
    response = client.post("/annuaire/vie-libre/modifier", data=sheet_form(
        auth.token("/annuaire/vie-libre/modifier"), name="Vie Libre", base_rev="0", transport="Bus 5"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Quelqu&#39;un a modifié cette fiche" in html
    assert "Bus 5" in html
    assert load(directory, "vie-libre")[0].transport == ""


def test_changes_by_others_are_listed_for_the_referent(client, auth, app, directory):
    sheet, _ = load(directory, "point-48")
    save(directory, replace(sheet, referents=("anne",)), author="anne", confirm=False)
    sheet, _ = load(directory, "point-48")
    save(directory, replace(sheet, transport="Bus 3"), author="bob")
    auth.login("bob")
    assert client.post("/annuaire/point-48/verifie",
                       data={"csrf_token": auth.token("/annuaire/suivi")}).status_code == 403
    auth.logout()
    auth.login("anne")
    html = client.get("/annuaire/suivi").get_data(as_text=True)
    assert "Modifications à vérifier" in html
    assert "Point 48" in html.split("Fiches à vérifier")[0]
    assert "bob" in html
    response = client.post("/annuaire/point-48/verifie",
                           data={"csrf_token": auth.token("/annuaire/suivi"), "next": "suivi"})
    assert response.status_code == 302
    html = client.get("/annuaire/suivi").get_data(as_text=True)
    assert "Rien à vérifier" in html


def test_confirm_button_refreshes_the_date(client, auth, directory):
    set_status(directory, "emergence", "publiee", updated="2025-01-10")
    auth.login()
    token = auth.token("/annuaire/emergence")
    assert client.post("/annuaire/emergence/confirmer", data={"csrf_token": token}).status_code == 302
    assert load(directory, "emergence")[0].updated == "2026-03-02"
    assert "Emergence" not in client.get("/annuaire/suivi").get_data(as_text=True).split(
        "Fiches à vérifier")[1].split("Mes fiches")[0]


# ---------------------------------------------------------------- photos


def png_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_photo_is_processed_stored_and_served(client, auth, directory):
    auth.login()
    form = sheet_form(auth.token("/annuaire/nouvelle"), photo_alt="entrée, porte bleue")
    form["photo"] = (io.BytesIO(png_bytes()), "entree.png")
    response = client.post("/annuaire/nouvelle", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    sheet, _ = load(directory, "le-lieu-test")
    assert len(sheet.photos) == 1
    photo = sheet.photos[0]
    assert photo.alt == "entrée, porte bleue"
    auth.logout()
    html = client.get("/annuaire/le-lieu-test").get_data(as_text=True)
    assert f"/annuaire/le-lieu-test/photo/{photo.id}-thumb.{photo.ext}" in html
    assert client.get(f"/annuaire/le-lieu-test/photo/{photo.id}.{photo.ext}").status_code == 200
    assert client.get("/annuaire/le-lieu-test/photo/..%2F..%2Fconfig%2Fsecret_key").status_code == 404
    set_status(directory, "le-lieu-test", "brouillon")
    assert client.get(f"/annuaire/le-lieu-test/photo/{photo.id}.{photo.ext}").status_code == 404


def test_twenty_megabyte_photo_is_refused_and_nothing_saved(client, auth, directory):
    auth.login()
    form = sheet_form(auth.token("/annuaire/nouvelle"))
    form["photo"] = (io.BytesIO(b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024)), "grosse.jpg")
    response = client.post("/annuaire/nouvelle", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "La photo dépasse 8 Mo" in response.get_data(as_text=True)
    assert not directory.exists("le-lieu-test")


def test_a_file_that_is_not_a_photo_is_refused(client, auth, directory):
    auth.login()
    form = sheet_form(auth.token("/annuaire/nouvelle"))
    form["photo"] = (io.BytesIO(b"%PDF-1.4 pas une image"), "photo.jpg")
    response = client.post("/annuaire/nouvelle", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "pas une photo" in response.get_data(as_text=True)
    assert not directory.exists("le-lieu-test")


def test_menu_has_the_directory(client, directory):
    assert 'href="/annuaire/"' in client.get("/annuaire/guide").get_data(as_text=True)


# ---------------------------------------------------------------- web import (admins)


def upload(client, auth, content: bytes, apply: str, name="guide.csv"):
    token = auth.token("/annuaire/import")
    return client.post("/annuaire/import", data={"csrf_token": token, "apply": apply,
                                                 "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_import_page_is_for_admins_only(client, auth, directory):
    assert client.get("/annuaire/import").status_code == 302
    auth.login("anne")
    assert client.get("/annuaire/import").status_code == 403


def test_import_page_dry_run_then_import(client, auth, directory):
    auth.login("admin")
    text = b"nom,adresse,telephones\nLe Nouveau Lieu,3 rue de Siam,02 98 00 00 44\n"
    response = upload(client, auth, text, "0")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Essai à blanc" in html
    assert "création" in html
    assert not directory.exists("le-nouveau-lieu")
    response = upload(client, auth, text, "1")
    assert "Import terminé" in response.get_data(as_text=True)
    assert load(directory, "le-nouveau-lieu")[0].status == "brouillon"


def test_import_page_reports_bad_lines_and_imports_nothing(client, auth, directory):
    auth.login("admin")
    text = b"nom,courriel\nLieu A,a@exemple.org\nLieu B,sans-arobase\n"
    response = upload(client, auth, text, "1")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Rien n'a été importé" in html
    assert "@" in html
    assert not directory.exists("lieu-a")
    response = upload(client, auth, b"nom,couleur\nX,bleu\n", "1")
    assert "Colonne inconnue" in response.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["..%2F..%2Fconfig", "%2e%2e", "agheb-le-phare%00", "AGHEB-LE-PHARE"])
def test_odd_slugs_are_not_found(client, directory, slug):
    assert client.get(f"/annuaire/{slug}").status_code == 404


def test_long_lists_come_in_pages_and_follow_changes(app, client, directory, monkeypatch):
    from directory import views

    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 5)
    first = client.get("/annuaire/").get_data(as_text=True)
    assert "13 lieux" in first  # the count is of every match, not of the page
    assert len(names(first)) == 5
    assert "Page 1 sur 3" in first
    assert 'href="/annuaire/?page=2#resultats"' in first
    last = client.get("/annuaire/?page=3").get_data(as_text=True)
    assert len(names(last)) == 3
    assert 'href="/annuaire/?page=2#resultats"' in last
    assert client.get("/annuaire/?page=99").get_data(as_text=True).count("<h3>") == 3  # the last page
    assert len(names(client.get("/annuaire/?page=abc").get_data(as_text=True))) == 5
    set_status(directory, "agheb-le-phare", "archivee")  # the cached list follows the change
    assert "12 lieux" in client.get("/annuaire/").get_data(as_text=True)


@pytest.mark.parametrize("moment", [MONDAY_10, datetime(2026, 3, 2, 12, 45, tzinfo=PARIS),
                                    datetime(2026, 3, 6, 23, 30, tzinfo=PARIS),
                                    datetime(2026, 3, 25, 10, tzinfo=PARIS),
                                    datetime(2026, 5, 1, 10, tzinfo=PARIS)])
def test_page_sentences_match_the_pure_status_in_french(app, client, directory, moment):
    from directory.hours import status

    app.extensions["reperes"]["directory_clock"] = lambda: moment
    html = client.get("/annuaire/").get_data(as_text=True).replace("&#39;", "'")
    for sheet in all_sheets(directory):
        assert status(sheet.osm_hours, moment).text in html, sheet.name
