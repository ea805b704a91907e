"""The search page, name suggestions, the synonym list page and `flask reindex`."""

from __future__ import annotations

import pytest
from search_fixture import PAGES, extract_sheet, fill

import search
from wiki.store import DocumentStore


@pytest.fixture
def filled_app(app, tmp_path):
    """The app with the fixture: a fake "structures" source registered after start, and pages."""
    sheets = DocumentStore(tmp_path / "data" / "structures", fsync=False)
    search.register_source(app, "structures", sheets, extract_sheet)
    with search.index_of(app).batch():
        fill(sheets, app.extensions["reperes"]["pages"])
    return app


def get(client, url):
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_the_search_box_is_on_every_page(client):
    _status, html = get(client, "/login")
    assert 'action="/recherche"' in html
    assert "js/search.js" in html


def test_empty_search_shows_the_form(client):
    status, html = get(client, "/recherche")
    assert status == 200
    assert html.count("<h1") == 1
    assert 'id="q"' in html


@pytest.mark.parametrize(("url", "message"), [
    ("/recherche?q=" + "a" * 201, "trop longue"),
    ("/recherche?q=douche&type=chaussettes", "Type de résultat inconnu"),
    ("/recherche?q=douche&page=0", "Numéro de page incorrect"),
    ("/recherche?q=douche&page=abc", "Numéro de page incorrect"),
    ("/recherche?q=douche&page=-2", "Numéro de page incorrect"),
    ("/recherche?q=douche&page=99999", "Numéro de page incorrect"),
])
def test_bad_input_is_a_400_with_words(filled_app, client, url, message):
    status, html = get(client, url)
    assert status == 400
    assert message in html


def test_results_link_to_sheets_and_pages(filled_app, client, auth):
    _status, html = get(client, "/recherche?q=hebergement+urgence")
    assert 'href="/annuaire/foyer-urgence"' in html
    assert 'href="/wiki/Guide%20de%20l%27h%C3%A9bergement%20d%27urgence"' in html
    assert "<mark>" in html


def test_tabs_show_counts_and_filter_by_kind(filled_app, client):
    _status, html = get(client, "/recherche?q=accueil")
    assert "Structures <span class=\"count\">(" in html
    assert "Pages du wiki <span class=\"count\">(" in html
    _status, html = get(client, "/recherche?q=accueil&type=pages")
    assert "/annuaire/" not in html.split('class="search-results"')[1]


def test_anonymous_never_sees_private_pages_members_do(filled_app, client, auth):
    _status, html = get(client, "/recherche?q=zorglub")
    assert "Aucun résultat" in html
    assert "Projet secret" not in html
    assert "quintessence" not in html
    assert "(1)" not in html
    assert "(2)" not in html
    auth.login()
    _status, html = get(client, "/recherche?q=zorglub")
    assert "Projet secret" in html
    assert "réservé aux membres" in html


def test_text_is_escaped_except_the_marks(app, client):
    pages = app.extensions["reperes"]["pages"]
    pages.save("Piège", "<script>alert(1)</script> tartiflette <b>grasse</b> 2 < 3 & 4 > 1",
               author="a", meta={"public": True})
    _status, html = get(client, "/recherche?q=tartiflette")
    assert "<script>alert" not in html
    assert "<b>grasse" not in html
    assert "2 &lt; 3 &amp; 4" in html
    assert "<mark>tartiflette</mark>" in html


def test_pagination_links(filled_app, client):
    filled_app.config["SEARCH_PAGE_SIZE"] = 2
    _status, html = get(client, "/recherche?q=accueil")
    assert "page=2" in html
    assert 'rel="next"' in html
    status, html = get(client, "/recherche?q=accueil&page=2")
    assert status == 200
    assert 'rel="prev"' in html


def test_a_typo_offers_a_correction(filled_app, client):
    _status, html = get(client, "/recherche?q=alcolisme")
    assert "Vouliez-vous dire" in html
    assert ">alcoolisme</a>" in html
    assert 'href="/annuaire/addictions-ouest"' in html


def test_search_says_the_index_is_being_rebuilt(filled_app, client):
    index = search.index_of(filled_app)
    index.sync = False
    (index.root / "CURRENT").unlink()
    index._rebuilding.set()  # as while another thread rebuilds
    _status, html = get(client, "/recherche?q=douche")
    assert "Index en reconstruction" in html
    index._rebuilding.clear()
    index.rebuild()
    _status, html = get(client, "/recherche?q=douche")
    assert "Index en reconstruction" not in html
    assert "/annuaire/point-h" in html


def test_name_suggestions_as_json(filled_app, client, auth):
    response = client.get("/recherche/suggestions?q=cis")
    assert response.status_code == 200
    assert response.json == [{"title": "Les Ciseaux d'Or", "url": "/annuaire/ciseaux-or"}]
    assert all("brouillon" not in s["title"] for s in client.get("/recherche/suggestions?q=acc").json)
    assert client.get("/recherche/suggestions?q=acc&type=nope").json == []
    assert client.get("/recherche/suggestions").json == []
    auth.login()
    assert any("brouillon" in s["title"] for s in client.get("/recherche/suggestions?q=acc").json)


def test_deleted_page_disappears_from_results(app, client, auth):
    pages = app.extensions["reperes"]["pages"]
    pages.save("Éphémère", "cancoillotte", author="a", meta={"public": True})
    assert "cancoillotte" in get(client, "/recherche?q=cancoillotte")[1]
    pages.delete("Éphémère", author="a")
    assert "Aucun résultat" in get(client, "/recherche?q=cancoillotte")[1]


# ---------------------------------------------------------------- synonyms page


def test_synonym_page_is_for_admins(client, auth):
    assert client.get("/recherche/synonymes").status_code == 302
    auth.login("anne")
    assert client.get("/recherche/synonymes").status_code == 403


def test_default_synonyms_file_is_created(app):
    from pathlib import Path

    text = (Path(app.config["DATA_DIR"]) / "config" / "synonymes.txt").read_text(encoding="utf-8")
    assert "douche -> hygiène, se laver" in text


def test_admin_edits_the_synonyms(app, client, auth):
    pages = app.extensions["reperes"]["pages"]
    pages.save("Fromages", "le reblochon de savoie", author="a", meta={"public": True})
    assert "Aucun résultat" in get(client, "/recherche?q=tartiflette")[1]
    auth.login("admin")
    status, html = get(client, "/recherche/synonymes")
    assert status == 200
    assert "douche -&gt; hygiène" in html
    token = auth.token("/recherche/synonymes")
    response = client.post("/recherche/synonymes", data={"csrf_token": token,
                                                         "text": "tartiflette -> reblochon\n"})
    assert response.status_code == 200
    assert "Liste enregistrée" in response.get_data(as_text=True)
    assert 'href="/wiki/Fromages"' in get(client, "/recherche?q=tartiflettes")[1]


@pytest.mark.parametrize(("text", "message"), [
    ("tartiflette reblochon", "Ligne 1"),
    ("ok -> bien\ntartiflette ->", "Ligne 2"),
    ("mot -> " + "x" * 70, "trop long"),
])
def test_bad_synonym_lines_are_refused_with_their_number(app, client, auth, text, message):
    auth.login("admin")
    token = auth.token("/recherche/synonymes")
    response = client.post("/recherche/synonymes", data={"csrf_token": token, "text": text})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "a été enregistré" in html


def test_synonym_post_without_csrf_is_refused(client, auth):
    auth.login("admin")
    assert client.post("/recherche/synonymes", data={"text": "a -> b"}).status_code == 400


# ---------------------------------------------------------------- CLI


def test_reindex_command_rebuilds_from_the_files(filled_app, runner):
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert f"{len(PAGES) + 25} documents indexés" in result.output
    assert search.search_ids(filled_app, "structures", "douche", member=False)[0] in (
        "point-h", "bains-douches")


def test_demo_data_answers(tmp_path):
    """The issue's « done when » on the demo data folder."""
    from app import create_app

    demo = create_app({"DATA_DIR": str(tmp_path / "demo"), "SECRET_KEY": "t", "TESTING": True,
                       "DEMO": True})
    index = search.index_of(demo)
    forms = [[h.key for h in index.search(q, member=False, kind="structures").hits]
             for q in ("hebergement", "héberger", "hébergements")]
    assert forms[0]
    assert forms[0] == forms[1] == forms[2]
    assert index.search("douche", member=False, kind="structures").hits
    typo = index.search("alcolisme", member=False)
    assert typo.suggestion == "alcoolisme"
    assert typo.counts["structures"] >= 1
    # « Excusés » and « Rédaction » only appear in the private meeting-minutes template.
    assert index.search("excusés rédaction", member=False).total == 0
    assert index.search("excusés rédaction", member=True).total >= 1


def test_attachment_names_are_searchable(app):
    from wiki.attachments import prepare

    pages = app.extensions["reperes"]["pages"]
    pages.save("Maraudes", "Organisation.", author="a", meta={"public": True})
    files = app.extensions["reperes"]["page_attachments"]
    files.add("Maraudes", prepare("planning_tournees-hivernales.txt", b"lundi, mardi\n"), author="a")
    pages.save("Maraudes", "Organisation des tournées.", author="a")  # indexed at the next save
    assert search.search_ids(app, "pages", "hivernales", member=False) == ["Maraudes"]
