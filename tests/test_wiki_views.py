"""Client tests of the wiki routes as anonymous visitor, member and admin."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from tests.conftest import AuthActions, csrf_token

SECRET = "SECRET-MEMBRES-42"


@pytest.fixture
def pages(app):
    """The page store, with a private page, a public page and a public page with public history."""
    store = app.extensions["reperes"]["pages"]
    store.save("Privée", f"v1 {SECRET}", author="anne", meta={"public": False})
    store.save("Privée", f"v2 {SECRET}\n[[Publique]]", author="anne", comment=f"résumé {SECRET}")
    store.save("Publique", "Bonjour v1", author="anne", meta={"public": False})
    store.save("Publique", "Bonjour v2", author="anne", meta={"public": True})
    store.save("Histo", "h1", author="anne", meta={"public": True, "history_public": True})
    store.save("Histo", "h2", author="bob")
    store.save("Modèles/Compte rendu", "## Ordre du jour\n\n- [ ] action", author="admin")
    return store


def as_user(client, who):
    """Log the client in as who (None: stay anonymous)."""
    if who:
        assert AuthActions(client).login(who).status_code == 302


def post(client, url, data, token_url=None):
    """POST a form with a valid CSRF token taken from token_url (default: the url itself)."""
    token = csrf_token(client, token_url or "/wiki/")
    return client.post(url, data={**data, "csrf_token": token})


# ------------------------------------------------------------------ every route, every kind of visitor

LOGIN = "login"  # a redirect to the login page
ROUTES = [
    # url, anonymous, member, admin
    ("/", 302, 302, 302),
    ("/wiki/", 200, 200, 200),
    ("/wiki/Privée", LOGIN, 200, 200),
    ("/wiki/Publique", 200, 200, 200),
    ("/wiki/Privée?rev=1", LOGIN, 200, 200),
    ("/wiki/Publique?rev=1", 404, 200, 200),
    ("/wiki/Histo?rev=1", 200, 200, 200),
    ("/wiki/Privée?action=raw", LOGIN, 200, 200),
    ("/wiki/Publique?action=raw", 200, 200, 200),
    ("/wiki/Privée?action=edit", LOGIN, 200, 200),
    ("/wiki/Publique?action=edit", LOGIN, 200, 200),
    ("/wiki/Nouvelle?action=edit", LOGIN, 200, 200),
    ("/wiki/Privée?action=history", LOGIN, 200, 200),
    ("/wiki/Publique?action=history", 404, 200, 200),
    ("/wiki/Histo?action=history", 200, 200, 200),
    ("/wiki/Privée?action=diff&from=1&to=2", LOGIN, 200, 200),
    ("/wiki/Publique?action=diff&from=1&to=2", 404, 200, 200),
    ("/wiki/Histo?action=diff&from=1&to=2", 200, 200, 200),
    ("/wiki/Privée?action=attachments", 404, 200, 200),
    ("/wiki/Publique?action=attachments", 200, 200, 200),
    ("/wiki/Privée?action=rename", LOGIN, 200, 200),
    ("/wiki/Privée?action=delete", LOGIN, 200, 200),
    ("/wiki/Absente", 404, 404, 404),
    ("/wiki/Privée?action=nimporte", 400, 400, 400),
    ("/wiki/Privée?rev=99", LOGIN, 404, 404),
    ("/wiki/Privée?action=diff&from=1&to=99", LOGIN, 404, 404),
    ("/nouvelle-page", LOGIN, 200, 200),
    ("/recent", LOGIN, 200, 200),
    ("/recent.atom", 401, 200, 200),
]


@pytest.mark.parametrize("who", [None, "anne", "admin"])
def test_route_status(client, pages, who):
    as_user(client, who)
    for url, anonymous, member, admin in ROUTES:
        expected = {None: anonymous, "anne": member, "admin": admin}[who]
        response = client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login"), url
        else:
            assert response.status_code == expected, (url, response.get_data(as_text=True)[:300])


def test_private_content_never_reaches_anonymous(client, pages, app):
    from wiki.attachments import prepare

    app.extensions["reperes"]["page_attachments"].add(
        "Privée", prepare("notes.txt", f"{SECRET}\n".encode()), author="anne")
    urls = [r[0] for r in ROUTES] + ["/wiki/Privée/notes.txt", "/fichiers/Privée/notes.txt",
                                     "/wiki/Publique?action=history", "/wiki/Histo?action=history"]
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert SECRET not in body, url
        assert "Privée" not in body or url.startswith("/wiki/Privée"), url
    index = client.get("/wiki/").get_data(as_text=True)
    assert "Publique" in index
    assert "Histo" in index
    assert "Compte rendu" not in index
    # Privée links to Publique, but an anonymous reader of Publique is not told so.
    assert "Pages qui mènent ici" not in client.get("/wiki/Publique").get_data(as_text=True)


def test_member_sees_backlinks_and_files(client, pages):
    as_user(client, "anne")
    html = client.get("/wiki/Publique").get_data(as_text=True)
    assert "Pages qui mènent ici" in html
    assert "/wiki/Priv%C3%A9e" in html


def test_old_private_revision_of_public_page_stays_hidden(client, app):
    store = app.extensions["reperes"]["pages"]
    store.save("Bascule", f"écrit en privé {SECRET}", author="anne", meta={"public": False})
    store.save("Bascule", "version publique", author="anne", meta={"public": True, "history_public": True})
    assert client.get("/wiki/Bascule?rev=2").status_code == 200
    assert client.get("/wiki/Bascule?rev=1").status_code == 404
    assert client.get("/wiki/Bascule?action=diff&from=1&to=2").status_code == 404
    assert SECRET not in client.get("/wiki/Bascule?action=history").get_data(as_text=True)


def test_history_public_checkbox(client, app, auth):
    auth.login()
    token = auth.token("/wiki/Ouverte?action=edit")
    client.post("/wiki/Ouverte", data={"text": "a", "base_rev": "0", "public": "1", "csrf_token": token})
    token = auth.token("/wiki/Ouverte?action=edit")
    client.post("/wiki/Ouverte", data={"text": "b", "base_rev": "1", "public": "1", "history_public": "1",
                                       "csrf_token": token})
    auth.logout()
    assert client.get("/wiki/Ouverte?action=history").status_code == 200
    assert client.get("/wiki/Ouverte?action=diff&from=1&to=2").status_code == 200
    # Historique public without Page publique means nothing.
    store = app.extensions["reperes"]["pages"]
    assert store.load("Ouverte").meta["history_public"] is True
    auth.login()
    token = auth.token("/wiki/Fermee?action=edit")
    client.post("/wiki/Fermee", data={"text": "a", "base_rev": "0", "history_public": "1", "csrf_token": token})
    assert store.load("Fermee").meta["history_public"] is False


# ------------------------------------------------------------------ writes: anonymous, deactivated, CSRF

POSTS = [
    ("/wiki/Privée", {"text": "écrasé", "base_rev": "2"}),
    ("/wiki/Privée?action=revert", {"rev": "1"}),
    ("/wiki/Privée?action=rename", {"new_name": "Ailleurs"}),
    ("/wiki/Privée?action=delete", {}),
    ("/wiki/Privée?action=task", {"index": "0", "base_rev": "2", "done": "1"}),
    ("/wiki/Neuve", {"text": "créée", "base_rev": "0"}),
]


def _state(app):
    store = app.extensions["reperes"]["pages"]
    files = app.extensions["reperes"]["page_attachments"].list("Privée")
    return store.names(include_deleted=True), store.current_number("Privée"), store.load("Privée").text, files


def test_anonymous_post_writes_nothing(client, app, pages):
    before = _state(app)
    token = csrf_token(client, "/login")
    for url, data in POSTS:
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url
    assert _state(app) == before


def test_deactivated_member_post_writes_nothing(client, app, pages):
    as_user(client, "bob")
    token = csrf_token(client, "/wiki/")
    app.extensions["reperes"]["users"].set_active("bob", False)
    before = _state(app)
    for url, data in POSTS:
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code in (302, 400), url
    assert _state(app) == before


@pytest.mark.parametrize("token", [None, "faux-jeton", ""])
def test_csrf_missing_or_wrong_is_400_and_keeps_the_text(client, app, pages, token):
    as_user(client, "anne")
    before = _state(app)
    for url, data in POSTS:
        form = {**data, "comment": "mon résumé à garder"}
        if token is not None:
            form["csrf_token"] = token
        response = client.post(url, data=form)
        assert response.status_code == 400, url
        html = response.get_data(as_text=True)
        assert "mon résumé à garder" in html, url
        if "text" in data:
            assert data["text"] in html, url
    assert _state(app) == before


def test_csrf_missing_on_upload_writes_nothing(client, app, pages):
    import io

    as_user(client, "anne")
    response = client.post("/wiki/Privée?action=upload", data={"file": (io.BytesIO(b"du texte\n"), "a.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert app.extensions["reperes"]["page_attachments"].list("Privée") == []


# ------------------------------------------------------------------ traversal

BAD_NAMES = ["../app.py", "a/../../b", "%2e%2e%2fetc", "%2e%2e/%2e%2e/app.py", "a%00b", "x" * 201,
             ".cache", "a/./b", "tab%09name"]


@pytest.mark.parametrize("who", [None, "anne"])
def test_traversal_names_are_not_found(client, pages, app, tmp_path, who):
    as_user(client, who)
    token = csrf_token(client, "/wiki/" if who else "/login")
    for name in BAD_NAMES:
        for suffix in ("", "?action=edit", "?action=history", "?action=raw", "?action=attachments"):
            assert client.get(f"/wiki/{name}{suffix}", follow_redirects=True).status_code == 404, (name, suffix)
        assert client.get(f"/fichiers/{name}/x.txt", follow_redirects=True).status_code == 404, name
        assert client.get(f"/fichiers/Publique/{name}", follow_redirects=True).status_code == 404, name
        response = client.post(f"/wiki/{name}", data={"text": "x", "base_rev": "0", "csrf_token": token})
        assert response.status_code == 404, name
    outside = [p for p in tmp_path.rglob("*") if "data" not in p.relative_to(tmp_path).parts]
    assert outside == []
    assert app.extensions["reperes"]["pages"].names() == sorted(pages.names(), key=str.casefold)
    assert len(pages.names()) == 4


def test_leading_slash_stays_inside_the_wiki(client, pages, tmp_path):
    as_user(client, "anne")
    response = client.get("/wiki/%2fetc%2fpasswd?action=raw", follow_redirects=True)
    assert response.status_code == 404
    assert "root:" not in response.get_data(as_text=True)


# ------------------------------------------------------------------ XSS

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "<a href='javascript:alert(1)'>x</a>",
]


class _ActiveContent(HTMLParser):
    """Collects what a browser would run: scripts (other than ours), event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "svg", "math") and not (
                tag == "script" and (attrs.get("src") or "").startswith("/static/")):
            self.found.append(tag)
        for key, value in attrs.items():
            if key.startswith("on"):
                self.found.append(key)
            if key in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    ("javascript:", "data:text", "vbscript:")):
                self.found.append(f"{key}={value}")


def active_content(html: str) -> list[str]:
    """What in html would be active in a browser (empty when the page is inert)."""
    parser = _ActiveContent()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", XSS)
def test_xss_is_inert_everywhere(client, app, payload):
    from wiki.attachments import prepare

    store = app.extensions["reperes"]["pages"]
    name = f"Titre {payload}"[:200]
    store.save(name, f"# {payload}\n\n{payload}\n\n[[{payload}]]", author="anne", comment=payload,
               meta={"public": True, "history_public": True})
    store.save(name, f"{payload} 2", author="anne", comment=payload)
    files = app.extensions["reperes"]["page_attachments"]
    safe_file = payload.replace("/", "").replace("\\", "") + ".txt"
    files.add(name, prepare(safe_file, b"texte\n"), author="anne")
    as_user(client, "anne")
    quoted = name.replace("/", "%2F")
    for url in [f"/wiki/{quoted}", f"/wiki/{quoted}?action=history", f"/wiki/{quoted}?action=diff&from=1&to=2",
                f"/wiki/{quoted}?action=attachments", f"/wiki/{quoted}?rev=1", f"/wiki/{quoted}?action=edit",
                "/recent", "/recent.atom", "/wiki/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert active_content(response.get_data(as_text=True)) == [], url
    raw = client.get(f"/wiki/{quoted}?action=raw")
    assert raw.mimetype == "text/plain"
    assert raw.headers["X-Content-Type-Options"] == "nosniff"


# ------------------------------------------------------------------ edit, merge, conflict


def _form(client, url):
    html = client.get(url).get_data(as_text=True)
    base = re.search(r'name="base_rev" value="(\d+)"', html).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return base, token


def _two_members(app):
    anne, bob = app.test_client(), app.test_client()
    as_user(anne, "anne")
    as_user(bob, "bob")
    return anne, bob


TEXT = "ligne 1\nligne 2\nligne 3\nligne 4\nligne 5\n"


def test_concurrent_edits_of_different_parts_are_merged(app):
    store = app.extensions["reperes"]["pages"]
    store.save("CR", TEXT, author="admin")
    anne, bob = _two_members(app)
    base_a, token_a = _form(anne, "/wiki/CR?action=edit")
    base_b, token_b = _form(bob, "/wiki/CR?action=edit")
    assert base_a == base_b == "1"
    r1 = anne.post("/wiki/CR", data={"text": TEXT.replace("ligne 1", "ligne 1 (Anne)"), "base_rev": base_a,
                                     "csrf_token": token_a})
    r2 = bob.post("/wiki/CR", data={"text": TEXT.replace("ligne 5", "ligne 5 (Bob)"), "base_rev": base_b,
                                    "csrf_token": token_b})
    assert r1.status_code == r2.status_code == 302
    final = store.load("CR")
    assert final.number == 3
    assert "ligne 1 (Anne)" in final.text
    assert "ligne 5 (Bob)" in final.text
    assert "fusionnés" in bob.get("/wiki/CR").get_data(as_text=True)


def test_overlapping_edits_show_both_texts_and_save_nothing(app):
    store = app.extensions["reperes"]["pages"]
    store.save("CR", TEXT, author="admin")
    anne, bob = _two_members(app)
    base_a, token_a = _form(anne, "/wiki/CR?action=edit")
    base_b, token_b = _form(bob, "/wiki/CR?action=edit")
    anne.post("/wiki/CR", data={"text": TEXT.replace("ligne 3", "ligne 3 selon Anne"), "base_rev": base_a,
                                "csrf_token": token_a})
    response = bob.post("/wiki/CR", data={"text": TEXT.replace("ligne 3", "ligne 3 selon Bob"),
                                          "base_rev": base_b, "csrf_token": token_b})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "ligne 3 selon Anne" in html
    assert "ligne 3 selon Bob" in html
    assert store.current_number("CR") == 2
    assert store.load("CR").text == TEXT.replace("ligne 3", "ligne 3 selon Anne")
    # The conflict form carries the new base: saving it resolves the conflict.
    base, token = re.search(r'name="base_rev" value="(\d+)"', html).group(1), re.search(
        r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert base == "2"
    resolved = TEXT.replace("ligne 3", "ligne 3 selon Anne et Bob")
    assert bob.post("/wiki/CR", data={"text": resolved, "base_rev": base, "csrf_token": token}).status_code == 302
    assert store.load("CR").text == resolved


def test_two_creations_of_the_same_new_page_never_overwrite(app):
    store = app.extensions["reperes"]["pages"]
    anne, bob = _two_members(app)
    base_a, token_a = _form(anne, "/wiki/Neuve?action=edit")
    base_b, token_b = _form(bob, "/wiki/Neuve?action=edit")
    anne.post("/wiki/Neuve", data={"text": "texte d'Anne\n", "base_rev": base_a, "csrf_token": token_a})
    response = bob.post("/wiki/Neuve", data={"text": "texte de Bob\n", "base_rev": base_b, "csrf_token": token_b})
    assert response.status_code == 409
    assert store.load("Neuve").text == "texte d'Anne\n"


def test_preview_saves_nothing(client, app, auth):
    auth.login()
    token = auth.token("/wiki/Essai?action=edit")
    response = client.post("/wiki/Essai", data={"text": "**gras**", "base_rev": "0", "preview": "1",
                                                "csrf_token": token})
    assert response.status_code == 200
    assert "<strong>gras</strong>" in response.get_data(as_text=True)
    assert app.extensions["reperes"]["pages"].current_number("Essai") is None


def test_save_without_base_rev_is_refused_with_the_text_kept(client, app, auth):
    auth.login()
    token = auth.token("/wiki/Essai?action=edit")
    response = client.post("/wiki/Essai", data={"text": "mon texte précieux", "csrf_token": token})
    assert response.status_code == 400
    assert "mon texte précieux" in response.get_data(as_text=True)
    assert app.extensions["reperes"]["pages"].current_number("Essai") is None


def test_edit_notice_shows_who_is_editing(app):
    store = app.extensions["reperes"]["pages"]
    store.save("CR", TEXT, author="admin")
    anne, bob = _two_members(app)
    base, token = _form(anne, "/wiki/CR?action=edit")
    assert "En cours de modification par Anne" in bob.get("/wiki/CR").get_data(as_text=True)
    assert "En cours de modification par Anne" in bob.get("/wiki/CR?action=edit").get_data(as_text=True)
    assert "par Anne" not in anne.get("/wiki/CR").get_data(as_text=True)  # not told about herself
    assert "En cours de modification" not in app.test_client().get("/wiki/CR").get_data(as_text=True)
    anne.post("/wiki/CR", data={"text": TEXT + "fin\n", "base_rev": base, "csrf_token": token})
    assert "En cours de modification par Anne" not in bob.get("/wiki/CR").get_data(as_text=True)


def test_edit_notice_is_kept_alive_and_cleared_on_cancel(app):
    store = app.extensions["reperes"]["pages"]
    store.save("CR", TEXT, author="admin")
    anne, bob = _two_members(app)
    _base, token = _form(anne, "/wiki/CR?action=edit")
    notices = app.extensions["reperes"]["edit_notices"]
    first_seen = notices.editors("CR")[0].seen
    assert anne.post("/wiki/CR?action=editing", data={"csrf_token": token}).status_code == 204
    assert notices.editors("CR")[0].seen >= first_seen
    assert app.test_client().post("/wiki/CR?action=editing").status_code == 400  # no token
    response = anne.post("/wiki/CR?action=cancel", data={"text": "brouillon", "csrf_token": token})
    assert response.status_code == 303
    assert notices.editors("CR") == []
    assert store.load("CR").text == TEXT
    assert "En cours de modification" not in bob.get("/wiki/CR").get_data(as_text=True)


# ------------------------------------------------------------------ history, diff, revert, rename, delete


def test_diff_marks_changes_with_signs_and_tags(client, app, auth):
    store = app.extensions["reperes"]["pages"]
    store.save("D", "un\ndeux\ntrois\n", author="anne")
    store.save("D", "un\ndeux modifié\nquatre\n", author="bob", comment="corrections")
    auth.login()
    html = client.get("/wiki/D?action=diff&from=1&to=2").get_data(as_text=True)
    assert "<ins> modifié</ins>" in html
    assert "<del>trois</del>" in html
    assert "<ins>quatre</ins>" in html
    assert 'class="sign">+' in html
    assert 'class="sign">−' in html
    # Any two revisions, in either order, and the default "previous -> current".
    assert client.get("/wiki/D?action=diff&from=2&to=1").status_code == 200
    assert "corrections" in client.get("/wiki/D?action=diff").get_data(as_text=True)
    assert client.get("/wiki/D?action=diff&from=abc&to=2").status_code == 200  # bad number: defaults


def test_history_lists_revisions_with_compare_form(client, app, auth):
    store = app.extensions["reperes"]["pages"]
    for i in range(3):
        store.save("H", f"texte {i}", author="anne", comment=f"étape {i}")
    auth.login()
    html = client.get("/wiki/H?action=history").get_data(as_text=True)
    assert all(f"étape {i}" in html for i in range(3))
    assert 'name="from"' in html
    assert 'name="to"' in html
    assert "Revenir à la version 1" in html
    assert max_form_depth(html) == 1  # a form inside a form would submit the wrong one


def max_form_depth(html: str) -> int:
    """The deepest nesting of <form> elements in html."""
    class Depth(HTMLParser):
        depth = deepest = 0

        def handle_starttag(self, tag, attrs):
            if tag == "form":
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)

        def handle_endtag(self, tag):
            if tag == "form":
                self.depth -= 1

    parser = Depth()
    parser.feed(html)
    return parser.deepest


def test_revert_makes_a_new_revision(client, app, auth):
    store = app.extensions["reperes"]["pages"]
    store.save("R", "bon texte", author="anne")
    store.save("R", "texte abîmé", author="bob")
    auth.login()
    response = post(client, "/wiki/R?action=revert", {"rev": "1"})
    assert response.status_code == 302
    assert store.load("R").text == "bon texte"
    assert store.current_number("R") == 3
    assert store.load("R").action == "REVERT"
    assert post(client, "/wiki/R?action=revert", {"rev": "99"}).status_code == 404
    assert post(client, "/wiki/R?action=revert", {"rev": "x"}).status_code == 404


def test_rename_keeps_history_and_old_name_redirects(client, app, auth):
    store = app.extensions["reperes"]["pages"]
    store.save("Ancien", "a", author="anne")
    store.save("Ancien", "b", author="anne")
    auth.login()
    response = post(client, "/wiki/Ancien?action=rename", {"new_name": "Projets/Nouveau"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/wiki/Projets/Nouveau"
    assert client.get("/wiki/Ancien").headers["Location"] == "/wiki/Projets/Nouveau"
    assert [r.text for r in store.revisions("Projets/Nouveau")][:2] == ["a", "b"]


@pytest.mark.parametrize(("new_name", "message"), [
    ("../x", "« .. »"), ("", "vide"), ("Autre", "existe déjà"), ("x" * 201, "200"),
])
def test_rename_bad_names_are_refused_next_to_the_field(client, app, auth, new_name, message):
    store = app.extensions["reperes"]["pages"]
    store.save("Ancien", "a", author="anne")
    store.save("Autre", "b", author="anne")
    auth.login()
    response = post(client, "/wiki/Ancien?action=rename", {"new_name": new_name})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    assert (message in html or "porte déjà" in html)
    assert store.load("Ancien").text == "a"
    assert store.load("Autre").text == "b"


def test_delete_then_only_an_admin_restores(client, app, auth):
    store = app.extensions["reperes"]["pages"]
    store.save("Jetable", "contenu", author="anne")
    auth.login()
    assert post(client, "/wiki/Jetable?action=delete", {}).status_code == 302
    response = client.get("/wiki/Jetable")
    assert response.status_code == 404
    assert "supprimée" in response.get_data(as_text=True)
    assert "Jetable" not in client.get("/wiki/").get_data(as_text=True)
    assert client.get("/wiki/Jetable?action=history").status_code == 200
    assert post(client, "/wiki/Jetable?action=revert", {"rev": "1"}).status_code == 403
    assert not store.exists("Jetable")
    auth.logout()
    auth.login("admin")
    assert "Rétablir la version 1" in client.get("/wiki/Jetable?action=history").get_data(as_text=True)
    assert post(client, "/wiki/Jetable?action=revert", {"rev": "2"}).status_code == 400  # the deletion itself
    assert post(client, "/wiki/Jetable?action=revert", {"rev": "1"}).status_code == 302
    assert store.load("Jetable").text == "contenu"


# ------------------------------------------------------------------ new page from a template


def test_new_page_from_template_opens_a_prefilled_editor(client, pages, auth):
    auth.login()
    form = client.get("/nouvelle-page").get_data(as_text=True)
    assert "Compte rendu" in form
    response = client.get("/nouvelle-page", query_string={"titre": "CR du 3 mars", "modele": "Modèles/Compte rendu",
                                                          "ouvrir": "1"})
    assert response.status_code == 302
    editor = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "## Ordre du jour" in editor
    assert 'name="base_rev" value="0"' in editor


@pytest.mark.parametrize(("titre", "modele", "message"), [
    ("", "", "vide"), ("../x", "", "« .. »"), ("Publique", "", "déjà"), ("Bon titre", "Privée", "modèle"),
    ("x" * 201, "", "200"),
])
def test_new_page_bad_input(client, pages, auth, titre, modele, message):
    auth.login()
    response = client.get("/nouvelle-page", query_string={"titre": titre, "modele": modele, "ouvrir": "1"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_template_param_only_prefills_new_pages(client, pages, auth):
    auth.login()
    html = client.get("/wiki/Publique?action=edit&modele=Modèles/Compte rendu").get_data(as_text=True)
    assert "Ordre du jour" not in html
    assert "Bonjour v2" in html
    html = client.get("/wiki/Neuve?action=edit&modele=Privée").get_data(as_text=True)
    assert SECRET not in html


# ------------------------------------------------------------------ recent changes and the feed


def test_recent_changes_and_atom_feed(client, pages, auth, app):
    auth.login()
    html = client.get("/recent").get_data(as_text=True)
    assert "Histo" in html
    assert "Privée" in html
    assert "différences" in html
    feed_url = re.search(r'href="(http://localhost/recent.atom\?cle=[^"]+)"', html).group(1)
    feed = client.get("/recent.atom")
    assert feed.mimetype == "application/atom+xml"
    atom = ElementTree.fromstring(feed.data)  # well-formed XML
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == len(pages.recent(50))
    assert "<feed" in feed.get_data(as_text=True)
    auth.logout()
    assert client.get("/recent.atom").status_code == 401
    by_key = client.get(feed_url.replace("http://localhost", ""))
    assert by_key.status_code == 200
    assert "Histo" in by_key.get_data(as_text=True)
    assert client.get("/recent.atom?cle=faux").status_code == 401
    app.extensions["reperes"]["users"].set_password("anne", "un-autre-mot-de-passe")
    assert client.get(feed_url.replace("http://localhost", "")).status_code == 401


# ------------------------------------------------------------------ task lists


def test_member_ticks_a_task(client, app, auth):
    store = app.extensions["reperes"]["pages"]
    store.save("T", "```\n- [ ] dans du code\n```\n- [ ] appeler\n\nPuis :\n\n- [x] écrire\n", author="anne")
    auth.login()
    assert 'id="task-form"' in client.get("/wiki/T").get_data(as_text=True)
    assert post(client, "/wiki/T?action=task", {"index": "0", "base_rev": "1", "done": "1"}).status_code == 303
    assert store.load("T").text == "```\n- [ ] dans du code\n```\n- [x] appeler\n\nPuis :\n\n- [x] écrire\n"
    # A tick from a page opened before the first one: merged with it.
    assert post(client, "/wiki/T?action=task", {"index": "1", "base_rev": "1", "done": "0"}).status_code == 303
    assert store.load("T").text.endswith("- [x] appeler\n\nPuis :\n\n- [ ] écrire\n")
    assert post(client, "/wiki/T?action=task", {"index": "7", "base_rev": "3", "done": "1"}).status_code == 400
    assert store.current_number("T") == 3


# ------------------------------------------------------------------ speed: no work growing with the wiki


def test_page_view_does_not_scan_pages(client, pages, auth, monkeypatch):
    auth.login()
    client.get("/wiki/Publique")  # builds the link index once

    def forbidden(*args, **kwargs):
        raise AssertionError("a page view listed every page")

    store = client.application.extensions["reperes"]["pages"]
    monkeypatch.setattr(store, "names", forbidden)
    monkeypatch.setattr(store, "revisions", forbidden)
    assert client.get("/wiki/Publique").status_code == 200
    assert client.get("/wiki/Privée").status_code == 200


def test_links_to_missing_pages_look_different_until_created(client, app, auth):
    store = app.extensions["reperes"]["pages"]
    store.save("A", "voir [[B]]", author="anne")
    auth.login()
    assert 'class="wikilink missing" href="/wiki/B?action=edit"' in client.get("/wiki/A").get_data(as_text=True)
    store.save("B", "là", author="bob")
    html = client.get("/wiki/A").get_data(as_text=True)
    assert 'class="wikilink" href="/wiki/B"' in html
    store.delete("B", author="bob")
    assert "wikilink missing" in client.get("/wiki/A").get_data(as_text=True)


@pytest.mark.parametrize("change", ["rename", "delete"])
def test_page_renamed_or_deleted_while_editing_keeps_the_text(app, change):
    store = app.extensions["reperes"]["pages"]
    store.save("CR", TEXT, author="admin")
    anne, _bob = _two_members(app)
    base, token = _form(anne, "/wiki/CR?action=edit")
    if change == "rename":
        store.rename("CR", "CR du 3 mars", author="bob")
    else:
        store.delete("CR", author="bob")
    mine = TEXT + "mon ajout précieux\n"
    response = anne.post("/wiki/CR", data={"text": mine, "base_rev": base, "csrf_token": token})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "mon ajout précieux" in html
    assert ("CR du 3 mars" in html) if change == "rename" else ("supprimée" in html)
    assert not store.exists("CR")
    if change == "delete":  # sending the form again recreates the page
        new_base = re.search(r'name="base_rev" value="(\d+)"', html).group(1)
        assert 'name="was_new" value="1"' in html
        anne.post("/wiki/CR", data={"text": mine, "base_rev": new_base, "was_new": "1", "csrf_token": token})
        assert store.load("CR").text == mine


def test_done_when_journey_on_the_demo_folder(tmp_path, capsys):
    """The issue's "done when", through HTTP: demo admin, template, two editors, history, diff, revert, files."""
    import io

    from app import create_app
    from tests.test_wiki_attachments import PDF, make_png

    demo = create_app({"DATA_DIR": str(tmp_path / "demo"), "SECRET_KEY": "t", "TESTING": True, "DEMO": True})
    password = re.search(r"mot de passe : (\S+)", capsys.readouterr().err).group(1)
    one, two = demo.test_client(), demo.test_client()
    assert AuthActions(one).login("admin", password).status_code == 302
    assert AuthActions(two).login("admin", password).status_code == 302
    opened = one.get("/nouvelle-page", query_string={"titre": "CR du 3 mars", "ouvrir": "1",
                                                     "modele": "Modèles/Compte rendu de réunion"})
    base, token = _form(one, opened.headers["Location"])
    template = demo.extensions["reperes"]["pages"].load("Modèles/Compte rendu de réunion").text
    assert one.post("/wiki/CR du 3 mars", data={"text": template, "base_rev": base, "was_new": "1",
                                                "csrf_token": token}).status_code == 302
    base1, token1 = _form(one, "/wiki/CR du 3 mars?action=edit")
    base2, token2 = _form(two, "/wiki/CR du 3 mars?action=edit")
    first = template.replace("(lieu de la réunion)", "Maison de quartier")
    second = template.replace("(décision prise)", "On se retrouve jeudi")
    one.post("/wiki/CR du 3 mars", data={"text": first, "base_rev": base1, "csrf_token": token1})
    two.post("/wiki/CR du 3 mars", data={"text": second, "base_rev": base2, "csrf_token": token2})
    text = demo.extensions["reperes"]["pages"].load("CR du 3 mars").text
    assert "Maison de quartier" in text
    assert "On se retrouve jeudi" in text
    assert "Version 3" in one.get("/wiki/CR du 3 mars?action=history").get_data(as_text=True)
    assert "<ins>Maison</ins>" in one.get(
        "/wiki/CR du 3 mars?action=diff&from=1&to=2").get_data(as_text=True)
    assert post(one, "/wiki/CR du 3 mars?action=revert", {"rev": "1"}).status_code == 302
    assert demo.extensions["reperes"]["pages"].load("CR du 3 mars").text == template
    response = one.post("/wiki/CR du 3 mars?action=upload", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(one, "/wiki/"),
        "file": [(io.BytesIO(make_png()), "photo.png"), (io.BytesIO(PDF), "ordre-du-jour.pdf")]})
    assert response.status_code == 303
    page = one.get("/wiki/CR du 3 mars").get_data(as_text=True)
    assert "photo.png" in page
    assert "ordre-du-jour.pdf" in page


def test_edit_notice_time_is_local_to_brest(app, client, auth):
    import time
    from datetime import datetime
    from zoneinfo import ZoneInfo

    app.extensions["reperes"]["pages"].save("CR", TEXT, author="admin")
    now = time.time()
    app.extensions["reperes"]["edit_notices"].touch("CR", "bob", now=now)
    auth.login()
    expected = datetime.fromtimestamp(now, ZoneInfo("Europe/Paris")).strftime("%H:%M")
    assert f"par bob depuis {expected}" in client.get("/wiki/CR").get_data(as_text=True)


def test_a_cached_page_never_carries_another_session_csrf_token(app):
    store = app.extensions["reperes"]["pages"]
    store.save("T", "- [ ] appeler\n", author="anne")
    first, second = app.test_client(), app.test_client()
    as_user(first, "anne")
    as_user(second, "anne")  # the same member on a second device
    first.get("/wiki/T")
    html = second.get("/wiki/T").get_data(as_text=True)
    token = re.search(r'id="task-form"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                      html).group(1)
    response = second.post("/wiki/T?action=task", data={"index": "0", "base_rev": "1", "done": "1",
                                                        "csrf_token": token})
    assert response.status_code == 303
    assert store.load("T").text == "- [x] appeler\n"


def test_two_apps_in_one_process_never_share_rendered_pages(tmp_path):
    from app import create_app

    answers = []
    for n, text in enumerate(["texte de la première", "texte de la seconde"]):
        other = create_app({"DATA_DIR": str(tmp_path / f"d{n}"), "SECRET_KEY": "t", "TESTING": True})
        other.extensions["reperes"]["pages"].save("Même nom", text, author="anne", meta={"public": True})
        answers.append(other.test_client().get("/wiki/Même nom").get_data(as_text=True))
    assert "texte de la première" in answers[0]
    assert "texte de la seconde" in answers[1]


def test_edit_form_base_is_the_revision_whose_text_it_shows(app, client, auth, monkeypatch):
    # A save landing while the form is being built must not give the form an older text with
    # a newer base revision: that edit would then overwrite the save without merging it.
    store = app.extensions["reperes"]["pages"]
    store.save("Planning", "ligne A\n\nligne B\n", author="anne")
    auth.login()
    read = store.load
    landed = []

    def load_then_bob_saves(name, rev=None, **kwargs):
        revision = read(name, rev, **kwargs)
        if name == "Planning" and not landed:
            landed.append("bob")  # first: the save below reads the page again (search index)
            store.save("Planning", "ligne A\n\nligne B (Bob)\n", author="bob")
        return revision

    monkeypatch.setattr(store, "load", load_then_bob_saves)
    html = client.get("/wiki/Planning?action=edit").get_data(as_text=True)
    monkeypatch.setattr(store, "load", read)
    assert landed
    assert 'name="base_rev" value="1"' in html  # the text shown is revision 1's
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/wiki/Planning", data={"csrf_token": token, "base_rev": "1", "save": "1",
                                                   "text": "ligne A (Anne)\n\nligne B\n"})
    assert response.status_code == 302
    assert store.load("Planning").text == "ligne A (Anne)\n\nligne B (Bob)\n"  # both kept


def test_viewing_pages_keeps_their_renderings_not_their_texts(app, client):
    # Each worker keeps the rendering (render and page caches); the Markdown text read to
    # render it is not kept in the store's revision cache as well.
    store = app.extensions["reperes"]["pages"]
    for n in range(5):
        store.save(f"Vue {n}", f"Texte **{n}** de la page.", author="anne", meta={"public": True})
    store._cache.clear()
    for n in range(5):
        assert f"<strong>{n}</strong>" in client.get(f"/wiki/Vue {n}").get_data(as_text=True)
    assert len(store._cache) == 0
    assert client.get("/wiki/Vue 3?action=raw").get_data(as_text=True) == "Texte **3** de la page."
