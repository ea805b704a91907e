"""No French left on English pages: every page of the route table, as several kinds of visitor,
plus forms sent with bad input, read with ?lang=en and searched for French words.

The world of tests/security (a private page, a published and a draft listing, events, a workshop
with contributions) gives every route a real URL. What its users wrote (page texts, names,
titles) is French on purpose and is taken out before the search (CONTENT); so are the text
areas and the values of fields (what the visitor typed). Everything left is interface text,
which must be English. The search is simple: a word with a French accent, or one of a few
French words that English never uses.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest

from tests.security.test_route_matrix import TABLE, _cells
from tests.security.world import Device, build_world, png

# What the world's users wrote, and proper names: not interface text.
CONTENT = sorted((
    "Bienvenue sur Repères", "Repères dans la cité", "Repères", "Le Phare", "Fiche en brouillon",
    "Portes ouvertes", "Réunion", "Atelier photo", "Soleil", "Canarilune", "Mon brouillon",
    "Texte public de la galerie", "Texte public, histoire fermée", "Compte rendu", "première version",
    "seconde version", "première", "seconde", "Ancien texte", "Publique", "Secret", "Accueil", "Douches",
    "Brest", "Salle", "Texte canari", "Atelier canari", "Atelier Canari",
    # names kept in English text: institutions, page names, README sections, the language link
    "Défenseur des droits", "Libre réponse", "Cité des métiers", "Crèche", "Modèles/", "Déploiement",
    "Français",
), key=len, reverse=True)
ACCENTS = set("àâçéèêëîïôûùüœ")
_FRENCH = """
le la les des du un une et est pour avec sur dans pas vous votre vos aucun aucune ce cette ces qui
que au aux par ou de sans autres voir lien mots oui fiche fiches modifier enregistrer lieu lieux texte
atelier ouvert fermé janvier mars avril mai juin juillet septembre octobre novembre lundi mardi
mercredi jeudi vendredi samedi dimanche semaine mois
"""
FRENCH_WORDS = set(_FRENCH.split())
URL = re.compile(r"^(/|https?://)\S*$")  # addresses (a redirect's target) are not words
WORD = re.compile(r"[\wàâçéèêëîïôûùüœ'’-]+")


class _VisibleText(HTMLParser):
    """The text a visitor reads or hears: text nodes and alt/title/placeholder/aria-label/button values."""

    SKIP = ("script", "style", "textarea")

    def __init__(self, skip_classes=("audit-detail",)):
        super().__init__(convert_charrefs=True)
        self.skip_classes = set(skip_classes)
        self.texts: list[str] = []
        self._skip = 0
        self._skipped: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        # audit details are journal data, written once in French
        classes = (values.get("class") or "").split()
        if tag in self.SKIP or (tag == "p" and self.skip_classes & set(classes)):
            self._skip += 1
            self._skipped.append(tag)
        for name in ("alt", "title", "placeholder", "aria-label"):
            if values.get(name):
                self.texts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if self._skipped and tag == self._skipped[-1]:
            self._skipped.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def french_words(text: str) -> list[str]:
    """The French-looking words of an interface text (users' content taken out first)."""
    for content in CONTENT:
        text = text.replace(content, " ")
    words = [w.strip("'’-") for w in WORD.findall(text.lower())]
    return [w for w in words if w and (ACCENTS & set(w) or w in FRENCH_WORDS)]


def french_texts(body: str) -> list[str]:
    """Each text of the page (HTML or XML) that holds a French word."""
    parser = _VisibleText()
    parser.feed(body)
    return [text for text in parser.texts if french_words(text) and not URL.match(text)]


def _report(found: list[tuple[str, str]]) -> str:
    texts: dict[str, list[str]] = {}
    for url, text in found:
        texts.setdefault(text, []).append(url)
    return "French on English pages:\n" + "\n".join(f"  {t!r} on {sorted(set(u))[:3]}" for t, u in texts.items())


def _english(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "lang=en"


def test_the_detector_sees_french_and_ignores_content_and_typed_values():
    html = ('<h1>Le Phare</h1><p>Modifier la fiche</p><p>Saved.</p><textarea>Écrit par moi</textarea>'
            '<input type="submit" value="Enregistrer"><input name="q" value="été"><img alt="Photo du lieu">'
            '<script>var a = "é";</script><p>vendredi 27 novembre</p><p class="audit-detail">page de démonstration</p>')
    assert french_texts(html) == ["Modifier la fiche", "Enregistrer", "Photo du lieu", "vendredi 27 novembre"]
    assert french_texts("<title>Directory — Repères dans la cité — Repères</title>") == []


ROLES = ("anonymous", "participant", "member", "mediator", "moderator", "admin", "deactivated")


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_page_in_english_has_no_french_interface_text(tmp_path, role):
    world = build_world(tmp_path / "data")
    device = Device(world, role)
    found = []
    for row in TABLE:  # every GET, refused ones too (their error pages are read as well)
        if _cells(row)[role][0] == 405:
            continue
        url = row[0].format(**world.ids)
        response = device.client.get(_english(url))
        if not any(kind in response.content_type for kind in ("html", "xml")):
            continue
        found += [(url, text) for text in french_texts(response.get_data(as_text=True))]
    assert found == [], _report(found)


def _bad_posts(ids: dict) -> dict[str, list[tuple[str, dict]]]:
    """Forms sent with bad input, by role: (url, form)."""
    broken_png = (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "photo.png")
    not_a_photo = (b"%PDF-1.4 not a photo", "photo.jpg")
    sheet = {"name": "", "email": "pas-une-adresse", "website": "ftp://x", "phone-0-number": "12",
             "postcode": "2920", "latitude": "100", "longitude": "x", "save": "1"}
    event = {"title": "", "start_date": "2026-13-45", "start_time": "25:00", "end_time": "10:00",
             "place": "structure", "structure": "le-phare"}
    return {
        "anonymous": [
            ("/login", {"username": "anne", "password": "faux"}),
        ],
        "participant": [
            (f"/atelier/c/{ids['my_cid']}/texte", {"texte": ""}),
            ("/atelier/moi/nouveau/photo", {}),
        ],
        "member": [
            ("/compte", {"current": "faux", "new": "court", "confirm": "autre"}),
            ("/wiki/Nouvelle%20page", {"text": "", "base_rev": "0"}),
            ("/wiki/Secret?action=edit", {"text": "x", "base_rev": "1"}),
            ("/annuaire/nouvelle", sheet),
            ("/annuaire/nouvelle", {**sheet, "name": "Un lieu", "photo": broken_png}),
            ("/annuaire/nouvelle", {**sheet, "name": "Un lieu", "photo": not_a_photo}),
            ("/agenda/nouveau", event),
            ("/agenda/nouveau", {**event, "title": "Un atelier", "picture": broken_png}),
            ("/agenda/evenement/interne/modifier", {**event, "start_date": "2026-11-30",
                                                    "end_date": "2026-11-01"}),
            ("/wiki/Secret?action=rename", {"new_name": "", "comment": ""}),
            ("/wiki/Secret?action=rename", {"new_name": "Publique", "comment": ""}),
            ("/wiki/Secret?action=upload", {"file": (b"MZ\x90\0binary", "outil.exe")}),
            ("/wiki/Secret?action=upload", {"file": (b"", "vide.txt")}),
            ("/wiki/Secret?action=revert", {"rev": "99"}),
            ("/wiki/Secret?action=task", {"index": "99", "base_rev": "1", "done": "1"}),
            ("/wiki/Secret?action=remove-file", {"filename": "rien.txt"}),
            ("/wiki/Secret?action=bizarre", {}),
            ("/annuaire/le-phare/revenir", {"rev": "99"}),
            ("/annuaire/le-phare/modifier", {**sheet, "name": "Le Phare", "base_rev": "0"}),
            ("/agenda/evenement/interne/revenir", {"rev": "99"}),
            ("/agenda/evenement/portes-ouvertes/modifier", {**event, "title": "Portes ouvertes",
                                                             "start_date": "2026-12-01",
                                                             "status": "annule", "cancel_reason": ""}),
            ("/evaluation/avis", {"useful": "9", "text": "x" * 5000}),
            ("/agenda/mon-lien", {}),
        ],
        "mediator": [
            ("/atelier/", {"title": "", "structure": "nulle-part"}),
            (f"/atelier/{ids['wid']}/personnes", {"pseudonym": ""}),
            (f"/atelier/{ids['wid']}/personnes", {"pseudonym": "<b>?!</b>" * 10}),
            (f"/atelier/{ids['wid']}/personnes", {"pseudonym": "Soleil"}),  # already taken
            (f"/atelier/{ids['wid']}/p/{ids['pid']}/nouveau/photo", {}),
            (f"/atelier/c/{ids['my_cid']}/texte", {"texte": ""}),
            (f"/atelier/c/{ids['my_cid']}/lieu", {"lien": "ailleurs"}),
            (f"/atelier/c/{ids['my_cid']}/lieu", {"lien": "structure", "lieu": "nulle-part"}),
            (f"/atelier/c/{ids['my_cid']}/accord", {"portee": "tout-le-monde"}),
            (f"/atelier/c/{ids['my_cid']}/envoi", {}),
            (f"/atelier/c/{ids['network_cid']}/retirer", {"reason": ""}),
        ],
        "moderator": [
            (f"/moderation/{ids['proposed_cid']}", {"action": "refuse", "reason": ""}),
            (f"/moderation/{ids['proposed_cid']}", {"action": "bizarre"}),
            (f"/moderation/{ids['proposed_cid']}", {"action": "publish", "text": ""}),
        ],
        "admin": [
            ("/admin/apparence", {"site_name": "x" * 300, "brand": "rouge", "accent": "#12", "logo": broken_png}),
            ("/admin/apparence", {"site_name": "Repères", "brand": "#123456", "accent": "#654321",
                                  "logo": not_a_photo}),
            ("/admin/comptes", {"action": "add", "username": "Pas Valide!", "display_name": ""}),
            ("/admin/comptes", {"action": "add", "username": "anne", "display_name": ""}),
            ("/admin/comptes/anne", {"action": "bizarre"}),
            ("/admin/comptes/anne", {"action": "roles", "roles": "empereur"}),
            ("/admin/comptes/admin", {"action": "disable"}),
            (f"/atelier/personnes/{ids['other_pid']}/effacer", {"confirm": "pas le bon nom"}),
            ("/annuaire/import", {"file": (b"nom;adresse\n;;;\n", "fiches.csv")}),
            ("/annuaire/import", {"file": (b"\xff\xfe\0garbage", "fiches.json")}),
            ("/recherche/synonymes", {"text": "alpha beta gamma"}),
        ],
    }


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "participant", "member", "mediator", "moderator", "admin"])
def test_forms_sent_with_bad_input_answer_in_english(tmp_path, role):
    world = build_world(tmp_path / "data")
    device = Device(world, role)
    device.client.get("/login?lang=en")  # the language is remembered (cookie)
    found = []
    for url, form in _bad_posts(world.ids)[role]:
        data = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in form.items()}
        response = device.post(_english(url), data, follow_redirects=True, content_type="multipart/form-data")
        assert response.status_code < 500, url
        found += [(url, text) for text in french_texts(response.get_data(as_text=True))]
        # a photo step then gets a broken photo
        if url.endswith("/nouveau/photo"):
            step = response.request.path
            response = device.post(_english(step), {"fichier": (io.BytesIO(broken_png_bytes()), "x.png")},
                                   follow_redirects=True, content_type="multipart/form-data")
            assert response.status_code < 500, step
            found += [(step, text) for text in french_texts(response.get_data(as_text=True))]
    assert found == [], _report(found)


def broken_png_bytes() -> bytes:
    return png()[:60]


def test_error_pages_in_english(client, auth):
    found = []
    for url in ("/wiki/Nulle-part-ici", "/annuaire/nulle-part", "/agenda/evenement/nulle-part", "/pas-de-page"):
        response = client.get(_english(url))
        assert response.status_code == 404
        found += [(url, t) for t in french_texts(response.get_data(as_text=True))]
    response = client.post(_english("/login"), data={"username": "anne", "password": "x"})  # no CSRF token
    assert response.status_code == 400
    found += [("/login csrf", t) for t in french_texts(response.get_data(as_text=True))]
    assert found == [], _report(found)


def _good_posts(ids: dict) -> dict[str, list[tuple[str, dict]]]:
    """Forms that succeed, by role: the confirmations (flashed messages) must be English too."""
    return {
        "member": [
            ("/wiki/Alpha", {"text": "Alpha beta.\n\n- [ ] gamma", "base_rev": "0", "comment": ""}),
            ("/wiki/Alpha?action=task", {"index": "0", "base_rev": "1", "done": "1"}),
            ("/wiki/Alpha?action=upload", {"file": (b"alpha\n", "alpha.txt")}),
            ("/wiki/Alpha?action=rename", {"new_name": "Omega", "comment": ""}),
            ("/compte", {"current": "anne-password", "new": "a-much-longer-password", "confirm": "a-much-longer-password"}),
            ("/annuaire/le-phare/confirmer", {}),
            ("/agenda/evenement/interne/compte-rendu", {}),
            ("/evaluation/avis", {"useful": "4", "text": "Alpha"}),
            ("/wiki/Omega?action=delete", {"comment": ""}),
        ],
        "mediator": [
            ("/atelier/", {"title": "Alpha", "structure": "le-phare"}),
            (f"/atelier/{ids['wid']}/personnes", {"pseudonym": "Omega"}),
            (f"/atelier/c/{ids['network_cid']}/retirer", {"reason": "Alpha"}),
            (f"/atelier/{ids['wid']}/fermer", {}),
        ],
        "moderator": [
            (f"/moderation/{ids['proposed_cid']}", {"action": "publish", "text": "Alpha"}),
        ],
        "admin": [
            ("/admin/comptes", {"action": "add", "username": "omega", "display_name": "Omega", "roles": "member"}),
            ("/admin/comptes/anne", {"action": "disable"}),
            ("/agenda/evenement/portes-ouvertes/supprimer", {}),
            ("/admin/apparence", {"site_name": "Repères", "brand": "#0b4f8a", "accent": "#8a3b0b"}),
        ],
    }


@pytest.mark.slow
@pytest.mark.parametrize("role", ["member", "mediator", "moderator", "admin"])
def test_confirmations_after_good_input_are_in_english(tmp_path, role):
    world = build_world(tmp_path / "data")
    device = Device(world, role)
    device.client.get("/login?lang=en")
    found = []
    for url, form in _good_posts(world.ids)[role]:
        data = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in form.items()}
        response = device.post(_english(url), data, follow_redirects=True, content_type="multipart/form-data")
        assert response.status_code == 200, (url, response.status_code)
        found += [(url, text) for text in french_texts(response.get_data(as_text=True))]
    assert found == [], _report(found)


# ---------------------------------------------------------------- the demonstration folder

def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ").lower().split())


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _demo_content(app) -> tuple[str, list[str]]:
    """Everything the demo's users "wrote" (texts, names, comments), as one text and as lines."""
    import json

    from wiki.store import DocumentStore

    ext = app.extensions["reperes"]
    texts = [app.config["SITE_NAME"], *CONTENT]
    for store in ext.values():
        if not isinstance(store, DocumentStore):
            continue
        for name in store.names():
            texts.append(name)
            for revision in store.revisions(name):
                texts.append(revision.comment)
                try:
                    texts += list(_strings(json.loads(revision.text)))
                except ValueError:
                    texts.append(revision.text)
    texts += [w.title for w in ext["mediation"].all_workshops()]
    texts += [u.display_name or u.username for u in ext["users"].all()]
    lines = {_norm(line.strip("#-*> []")) for text in texts for line in text.splitlines()}
    return _norm("\n".join(texts)), sorted((x for x in lines if len(x) >= 4), key=len, reverse=True)


def _interface_french(text: str, corpus: str, lines: list[str]) -> list[str]:
    """French words of a text once every part written by the demo's users is taken out."""
    if text.startswith(("http://", "https://")):
        return []
    text = _norm(text)
    if text in corpus:
        return []

    def without_lines(rest: str) -> str:  # whole lines of content (titles may hold " — ")
        for line in lines:
            if line in rest:
                rest = rest.replace(line, " ")
        return rest

    def without_pieces(rest: str) -> str:  # pieces cut short ("…") or joined to interface words
        parts = re.split(r" — |…|: | · |, ", rest)
        return " ".join(p for p in parts if p.strip() and p.strip() not in corpus)

    one, two = french_words(without_pieces(without_lines(text))), french_words(without_lines(without_pieces(text)))
    return one if len(one) <= len(two) else two


@pytest.mark.slow
def test_the_demonstration_site_in_english(tmp_path):
    """Every page reachable from the menus of the demo folder (richer listings, events, gallery),
    as a visitor and as an account with every role: French only where the demo's users wrote it."""
    from app import create_app
    from tests.conftest import csrf_token

    app = create_app({"DATA_DIR": str(tmp_path / "demo"), "SECRET_KEY": "t", "TESTING": True, "DEMO": True})
    app.extensions["reperes"]["users"].add("root", ["admin", "mediateur", "moderateur"], "root-password")
    corpus, lines = _demo_content(app)
    href = re.compile(r'href="(/[^"#]*)"')
    skip = re.compile(r"^/(static|logout)|lang=|/fichiers/|/media/|/photo/|/image|action=raw"
                      r"|\.(ics|csv|zip|json|jpg|png|webp|mp3|ogg|webm|txt|pdf)$")
    start = ["/wiki/Accueil", "/annuaire/", "/annuaire/guide", "/agenda/", "/agenda/archives", "/galerie/",
             "/wiki/", "/recent", "/atelier/", "/atelier/personnes", "/moderation/", "/evaluation/", "/admin/",
             "/admin/journal", "/aide/", "/agenda/a-verifier", "/annuaire/suivi", "/recherche?q=douche",
             "/galerie/flux.atom", "/agenda/flux.atom", "/recent.atom"]
    found, pages = [], 0
    for who in ("anonymous", "root"):
        client = app.test_client()
        if who == "root":
            client.post("/login", data={"username": "root", "password": "root-password",
                                        "csrf_token": csrf_token(client)})
        seen, todo = set(), list(start)
        while todo and len(seen) < 500:
            url = todo.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(_english(url))
            if response.status_code != 200 or not any(k in response.content_type for k in ("html", "xml")):
                continue
            pages += 1
            body = response.get_data(as_text=True)
            # search snippets are cut from the indexed text, which keeps the French labels of the
            # listings (Alimentation, Tous publics) so that French words find them
            parser = _VisibleText(skip_classes=("audit-detail", "snippet"))
            parser.feed(body)
            found += [(url, t) for t in parser.texts if french_words(t) and _interface_french(t, corpus, lines)]
            todo += [h.replace("&amp;", "&") for h in href.findall(body)
                     if not skip.search(h) and h.count("/") < 6]
    assert pages > 150
    assert found == [], _report(found)


def test_event_dates_in_search_results_follow_the_language(tmp_path):
    """The index holds no date (one index for every language): the result line gives it."""
    world = build_world(tmp_path / "data")
    device = Device(world, "member")
    english = device.client.get("/recherche?q=mouettebleue&type=events&lang=en").get_data(as_text=True)
    assert "Friday 27 November 2026, 14:00 – 17:00" in english
    assert "vendredi" not in english
    french = device.client.get("/recherche?q=mouettebleue&type=events&lang=fr").get_data(as_text=True)
    assert "vendredi 27 novembre 2026, 14\u00a0h – 17\u00a0h" in french


def test_every_step_of_every_kind_of_contribution_in_english(tmp_path):
    """A participant's screens, one per step, for the five kinds (photo, voice, video, text, opinion)."""
    from mediation.model import KINDS, STEPS

    world = build_world(tmp_path / "data")
    device = Device(world, "participant")
    device.client.get("/atelier/moi?lang=en")
    found, seen = [], 0
    for kind in KINDS:
        response = device.client.get(f"/atelier/moi/nouveau/{kind}")
        assert response.status_code == 200, kind
        assert '<html lang="en"' in response.get_data(as_text=True)
        found += [(kind, t) for t in french_texts(response.get_data(as_text=True))]
    opinion = device.post("/atelier/moi/nouveau/avis", {"lien": "structure", "lieu": "le-phare"},
                          follow_redirects=True)
    cid = opinion.request.path.split("/")[3]
    for item, kind in ((cid, "avis"), (world.ids["my_cid"], "texte")):
        for step in STEPS[kind]:
            response = device.client.get(f"/atelier/c/{item}/{step}")
            assert response.status_code == 200, (kind, step)
            seen += 1
            found += [(f"{kind}/{step}", t) for t in french_texts(response.get_data(as_text=True))]
    assert seen == len(STEPS["avis"]) + len(STEPS["texte"])
    assert found == [], _report(found)


def test_calendar_and_feed_names_follow_the_language_and_are_cached_apart(tmp_path):
    world = build_world(tmp_path / "data")
    french, english = world.app.test_client(), world.app.test_client()
    english.get("/login?lang=en")  # the cookie, not the address, says English
    assert "X-WR-CALNAME:Repères — agenda" in french.get("/agenda.ics").get_data(as_text=True)
    assert "X-WR-CALNAME:Repères — events" in english.get("/agenda.ics").get_data(as_text=True)
    assert "X-WR-CALNAME:Repères — agenda" in french.get("/agenda.ics").get_data(as_text=True)
    feed = english.get("/agenda/flux.atom").get_data(as_text=True)
    assert 'xml:lang="en"' in feed
    assert "<title>Repères — events</title>" in feed
    assert 'xml:lang="fr"' in french.get("/galerie/flux.atom").get_data(as_text=True)
    assert 'xml:lang="en"' in english.get("/galerie/flux.atom").get_data(as_text=True)


def test_pages_that_follow_the_language_cookie_vary_on_cookies(client):
    for url in ("/agenda.ics", "/agenda/flux.atom", "/annuaire/", "/login"):
        assert "Cookie" in client.get(url).headers.get("Vary", ""), url


@pytest.mark.parametrize("url", [
    "/annuaire/?page=999", "/annuaire/?quartier=zz&page=abc&public=nope", "/agenda/?semaine=2026-W99",
    "/agenda/?vue=mois&mois=2026-13", "/agenda/archives?annee=abc", "/recherche?q=" + "x" * 600,
    "/recherche?q=a&type=nope", "/recherche?q=a&page=-1", "/wiki/Accueil?rev=abc", "/wiki/Accueil?action=nope",
])
def test_bad_queries_answer_in_english(client, url):
    response = client.get(_english(url))
    assert response.status_code < 500
    assert '<html lang="en"' in response.get_data(as_text=True)
    assert french_texts(response.get_data(as_text=True)) == []


def test_an_upload_over_the_size_limit_answers_in_english(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    auth.login("anne")
    token = auth.token("/annuaire/nouvelle")
    response = client.post(_english("/annuaire/nouvelle"), content_type="multipart/form-data",
                           data={"csrf_token": token, "photo": (io.BytesIO(b"x" * 5000), "a.jpg")})
    assert 400 <= response.status_code < 500
    assert french_texts(response.get_data(as_text=True)) == []


def test_footnote_back_links_and_empty_tasks_speak_the_readers_language(client, auth):
    auth.login("anne")
    token = auth.token("/wiki/Notes?action=edit")
    client.post("/wiki/Notes", data={"text": "- [ ] \n\nTexte[^1].\n\n[^1]: Une note.", "base_rev": "0", "csrf_token": token,
                                     "public": "1"})
    french = client.get("/wiki/Notes?lang=fr").get_data(as_text=True)
    assert 'title="Retour à l\'appel de note 1"' in french
    english = client.get("/wiki/Notes?lang=en").get_data(as_text=True)
    assert 'title="Back to footnote reference 1"' in english
    assert "appel de note" not in english
    assert '<input type="checkbox" title="task"' in english
    assert '<input type="checkbox" title="tâche"' in french


def test_the_last_check_on_the_admin_page_speaks_the_page_language(client, auth, runner, app):
    from pathlib import Path

    from wiki.store import TEMP_PREFIX

    assert runner.invoke(args=["check"]).exit_code == 0
    auth.login("admin")
    assert "— no problem (0 documents, 0 versions)" in client.get("/admin/?lang=en").get_data(as_text=True)
    assert "— aucun problème (0 documents, 0 versions)" in client.get("/admin/?lang=fr").get_data(as_text=True)
    (Path(app.config["DATA_DIR"]) / f"{TEMP_PREFIX}oubli").write_text("x", encoding="utf-8")
    assert runner.invoke(args=["check"]).exit_code == 1
    english = client.get("/admin/?lang=en").get_data(as_text=True)
    assert "— 1 problem(s): stray-temp" in english
    assert french_texts(english) == []
