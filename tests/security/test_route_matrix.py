"""Suite 1 — role × route matrix: every route of app.url_map, seven kinds of visitor, GET and POST.

TABLE is the one place where each route's permission decision is written down: a route missing
from it fails test_every_route_has_a_line, so no route ships without its decision. Each row is a
concrete URL (ids of the world filled in), its endpoint, and the expected status for GET/POST for
each role in the order of ROLES: anonymous, participant (a workshop participant's device),
member, mediator, moderator, admin, deactivated (a session cookie of an account since disabled).
POSTs carry a valid CSRF token of the device's session and an empty form: the permission check
must answer before any validation. Every response is also searched for canary words: private
content never reaches a visitor without the right.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import RequestRedirect

from tests.security.world import (
    CANARY_PROPOSED,
    CANARY_PSEUDONYM,
    MEMBER_READABLE,
    PRIVATE,
    ROLES,
    Device,
    build_world,
)

# POSTs after which the device's session is gone or changed (it starts again).
SESSION_ENDING = {"accounts.logout", "mediation.hand_over", "mediation.finish"}

# Canary words each role may read (all the others must never appear in its responses).
ALLOWED = {
    "anonymous": (), "participant": (), "deactivated": (),
    "member": MEMBER_READABLE,
    "moderator": (*MEMBER_READABLE, CANARY_PROPOSED, CANARY_PSEUDONYM),
    "mediator": PRIVATE, "admin": PRIVATE,
}

# url, endpoint, "GET/POST" for: anonymous participant member mediator moderator admin deactivated
# (destructive POSTs come last; the matrix runs every GET first, then every POST, in this order)
TABLE = [
    ('/', 'wiki.home', '302/405 302/405 302/405 302/405 302/405 302/405 302/405'),
    ('/accessibilite', 'help.accessibility', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/aide/', 'help.index', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/aide/wiki', 'help.guide', '404/405 404/405 404/405 404/405 404/405 404/405 404/405'),
    ('/healthz', 'admin.healthz', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/static/css/site.css', 'static', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/apparence.css', 'admin.theme_css', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/apparence/logo.png', 'admin.theme_logo', '404/405 404/405 404/405 404/405 404/405 404/405 404/405'),
    ('/login', 'accounts.login', '200/401 200/401 200/401 200/401 200/401 200/401 200/401'),
    ('/compte', 'accounts.account', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/wiki/', 'wiki.index', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/nouvelle-page', 'wiki.new_page', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/recent', 'wiki.recent', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/recent.atom', 'wiki.recent_atom', '401/405 401/405 200/405 200/405 200/405 200/405 401/405'),
    ('/wiki/Accueil', 'wiki.page', '200/302 200/302 200/400 200/400 200/400 200/400 200/302'),
    ('/wiki/Secret', 'wiki.page', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/wiki/Secret?action=raw', 'wiki.page', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/wiki/Secret?action=history', 'wiki.page', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/wiki/Secret?action=diff&from=1&to=2', 'wiki.page', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/wiki/Secret?rev=1', 'wiki.page', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/wiki/Secret?action=attachments', 'wiki.page', '404/302 404/302 200/400 200/400 200/400 200/400 404/302'),
    ('/wiki/Secret?action=edit', 'wiki.page', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/wiki/Publique?rev=1', 'wiki.page', '404/302 404/302 200/400 200/400 200/400 200/400 404/302'),
    ('/wiki/Publique?action=history', 'wiki.page', '404/302 404/302 200/400 200/400 200/400 200/400 404/302'),
    ('/wiki/Publique?action=diff&from=1&to=2', 'wiki.page', '404/302 404/302 200/400 200/400 200/400 200/400 404/302'),
    ('/wiki/Publique?action=raw&rev=1', 'wiki.page', '404/302 404/302 200/400 200/400 200/400 200/400 404/302'),
    ('/fichiers/Secret/compte-rendu.txt', 'wiki.attachment', '404/405 404/405 200/405 200/405 200/405 200/405 404/405'),
    ('/fichiers/Secret/photo.png?t=320', 'wiki.attachment', '404/405 404/405 200/405 200/405 200/405 200/405 404/405'),
    ('/recherche?q=mouettebleue', 'search.search', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/recherche?q=mouettebleue&type=pages', 'search.search', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/recherche?q=mouettebleue&type=contributions', 'search.search', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/recherche?q=mouettebleue&type=events', 'search.search', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/recherche?q=mouettebleue&type=structures', 'search.search', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/recherche/suggestions?q=mouet', 'search.suggestions', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/recherche/synonymes', 'search.synonyms', '302/302 302/302 403/403 403/403 403/403 200/200 302/302'),
    ('/annuaire/', 'directory.index', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/annuaire/guide', 'directory.guide', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/annuaire/le-phare', 'directory.sheet', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/annuaire/{draft_sheet}', 'directory.sheet', '404/405 404/405 200/405 200/405 200/405 200/405 404/405'),
    ('/annuaire/le-phare/historique', 'directory.history', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/annuaire/le-phare/diff', 'directory.diff', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/annuaire/le-phare/modifier', 'directory.edit', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/annuaire/le-phare/photo/x.jpg', 'directory.photo', '404/405 404/405 404/405 404/405 404/405 404/405 404/405'),
    ('/annuaire/export.csv', 'directory.export_csv', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/annuaire/export/datainclusion.json', 'directory.export_datainclusion', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/annuaire/import', 'directory.import_page', '302/302 302/302 403/403 403/403 403/403 200/400 302/302'),
    ('/annuaire/nouvelle', 'directory.new', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/annuaire/suivi', 'directory.follow', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/agenda/', 'agenda.index', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/agenda/a-verifier', 'agenda.to_review', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/agenda/archives', 'agenda.archives', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/agenda/evenement/portes-ouvertes', 'agenda.show', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/agenda/evenement/interne', 'agenda.show', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/agenda/evenement/brouillon', 'agenda.show', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/agenda/evenement/interne/agenda.ics', 'agenda.event_ics', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/agenda/evenement/interne/historique', 'agenda.history', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/agenda/evenement/interne/diff', 'agenda.diff', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/agenda/evenement/interne/image', 'agenda.picture', '302/405 302/405 404/405 404/405 404/405 404/405 302/405'),
    ('/agenda/evenement/interne/modifier', 'agenda.edit', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/agenda.ics', 'agenda.feed_ics', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/annuaire/le-phare/agenda.ics', 'agenda.structure_ics', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/agenda/flux.atom', 'agenda.feed_atom', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/agenda/membre/x.ics', 'agenda.member_ics', '404/405 404/405 404/405 404/405 404/405 404/405 404/405'),
    ('/agenda/mon-lien', 'agenda.my_link', '302/302 302/302 200/302 200/302 200/302 200/302 302/302'),
    ('/agenda/nouveau', 'agenda.new', '302/302 302/302 200/400 200/400 200/400 200/400 302/302'),
    ('/atelier/', 'mediation.index', '302/302 302/302 403/403 200/400 403/403 200/400 302/302'),
    ('/atelier/{wid}', 'mediation.workshop', '302/405 302/405 403/405 200/405 403/405 200/405 302/405'),
    ('/atelier/moi', 'mediation.me', '403/405 200/405 403/405 302/405 403/405 302/405 403/405'),
    ('/atelier/moi/nouveau/texte', 'mediation.new_mine', '403/403 200/400 403/403 403/403 403/403 403/403 403/403'),
    ('/atelier/{wid}/p/{pid}/nouveau/texte', 'mediation.new_for', '302/302 302/302 403/403 200/400 403/403 200/400 302/302'),
    ('/atelier/c/{my_cid}', 'mediation.view', '404/405 200/405 404/405 200/405 404/405 200/405 404/405'),
    ('/atelier/c/{draft_cid}', 'mediation.view', '404/405 404/405 404/405 200/405 404/405 200/405 404/405'),
    ('/atelier/c/{my_cid}/texte', 'mediation.step', '404/404 200/400 404/404 200/400 404/404 200/400 404/404'),
    ('/atelier/c/{draft_cid}/texte', 'mediation.step', '404/404 404/404 404/404 200/400 404/404 200/400 404/404'),
    ('/atelier/personnes', 'mediation.people', '302/405 302/405 403/405 200/405 403/405 200/405 302/405'),
    ('/atelier/personnes/{other_pid}', 'mediation.person', '302/405 302/405 403/405 200/405 403/405 200/405 302/405'),
    ('/atelier/personnes/{other_pid}/export.zip', 'mediation.export_person', '302/405 302/405 403/405 403/405 403/405 200/405 302/405'),
    ('/moderation/', 'moderation.queue', '302/405 403/405 403/405 403/405 200/405 200/405 302/405'),
    ('/moderation/{proposed_cid}', 'moderation.review', '302/302 403/403 403/403 403/403 200/302 200/302 302/302'),
    ('/galerie/', 'gallery.index', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/galerie/flux.atom', 'gallery.feed', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/galerie/{public_cid}', 'gallery.item', '200/405 200/405 200/405 200/405 200/405 200/405 200/405'),
    ('/galerie/{network_cid}', 'gallery.item', '404/405 404/405 200/405 200/405 200/405 200/405 404/405'),
    ('/galerie/{draft_cid}', 'gallery.item', '404/405 404/405 404/405 404/405 404/405 404/405 404/405'),
    ('/galerie/media/{draft_mid}/main', 'gallery.media', '404/405 404/405 404/405 200/405 200/405 200/405 404/405'),
    ('/evaluation/', 'evaluation.index', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/evaluation/export.csv', 'evaluation.export_csv', '302/405 302/405 200/405 200/405 200/405 200/405 302/405'),
    ('/evaluation/avis', 'evaluation.feedback', '405/302 405/302 405/400 405/400 405/400 405/400 405/302'),
    ('/admin/', 'admin.index', '302/405 302/405 403/405 403/405 403/405 200/405 302/405'),
    ('/admin/journal', 'admin.journal', '302/405 302/405 403/405 403/405 403/405 200/405 302/405'),
    ('/admin/apparence', 'admin.appearance', '302/302 302/302 403/403 403/403 403/403 200/400 302/302'),
    ('/admin/comptes', 'accounts.admin_users', '302/302 302/302 403/403 403/403 403/403 200/400 302/302'),
    ('/admin/comptes/anne', 'accounts.admin_user_action', '405/302 405/302 405/403 405/403 405/403 405/400 405/302'),
    ('/annuaire/le-phare/confirmer', 'directory.confirm', '405/302 405/302 405/302 405/302 405/302 405/302 405/302'),
    ('/annuaire/le-phare/verifie', 'directory.reviewed', '405/302 405/302 405/403 405/403 405/403 405/403 405/302'),
    ('/annuaire/le-phare/revenir', 'directory.revert', '405/302 405/302 405/400 405/400 405/400 405/400 405/302'),
    ('/agenda/evenement/interne/verifie', 'agenda.reviewed', '405/302 405/302 405/403 405/403 405/302 405/302 405/302'),
    ('/agenda/evenement/interne/compte-rendu', 'agenda.minutes', '405/302 405/302 405/302 405/302 405/302 405/302 405/302'),
    ('/agenda/evenement/interne/revenir', 'agenda.revert', '405/302 405/302 405/400 405/400 405/400 405/400 405/302'),
    ('/atelier/{wid}/personnes', 'mediation.add_person', '405/302 405/302 405/403 405/400 405/403 405/400 405/302'),
    ('/atelier/c/{network_cid}/retirer', 'mediation.withdraw', '404/302 404/302 404/403 404/302 404/403 404/302 404/302'),
    ('/atelier/c/{public_cid}/purger', 'mediation.purge', '404/302 404/302 404/403 404/403 404/403 404/409 404/302'),
    ('/atelier/personnes/{other_pid}/effacer', 'mediation.erase_person', '405/302 405/302 405/403 405/403 405/403 405/303 405/302'),
    ('/agenda/evenement/portes-ouvertes/supprimer', 'agenda.delete', '405/302 405/302 405/303 405/303 405/303 405/303 405/302'),
    ('/atelier/{wid}/fermer', 'mediation.close', '405/302 405/302 405/403 405/302 405/403 405/302 405/302'),
    ('/atelier/{wid}/main/{pid}', 'mediation.hand_over', '405/302 405/302 405/403 405/409 405/403 405/409 405/302'),
    ('/atelier/moi/fin', 'mediation.finish', '405/200 405/200 405/200 405/200 405/200 405/200 405/200'),
    ('/logout', 'accounts.logout', '405/302 405/302 405/302 405/302 405/302 405/302 405/302'),
]


def _cells(row) -> dict[str, tuple[int, int]]:
    pairs = row[2].split()
    assert len(pairs) == len(ROLES), row
    return {role: tuple(int(c) for c in pair.split("/")) for role, pair in zip(ROLES, pairs, strict=True)}


def test_every_route_has_a_line(tmp_path):
    """A route without a line in TABLE fails here; each line's URL reaches its endpoint."""
    app = build_world(tmp_path / "data").app
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    listed = {row[1] for row in TABLE}
    assert endpoints - listed == set(), "routes without a permission decision in TABLE"
    assert listed - endpoints == set(), "TABLE names routes that do not exist"
    adapter = app.url_map.bind("localhost")
    ids = build_ids_placeholder()
    for row in TABLE:
        url, endpoint = row[0], row[1]
        methods = {m for rule in app.url_map.iter_rules(endpoint) for m in rule.methods}
        method = "GET" if "GET" in methods else "POST"
        try:
            matched, _args = adapter.match(url.format(**ids).split("?")[0], method=method)
        except RequestRedirect:
            continue
        assert matched == endpoint, (url, method, matched)


def build_ids_placeholder() -> dict:
    """Plausible ids for URL matching (the real ones are random)."""
    return {"wid": "w-000000000000", "pid": "p-000000000000", "other_pid": "p-000000000001",
            "my_cid": "c-000000000000", "draft_cid": "c-000000000001", "network_cid": "c-000000000002",
            "public_cid": "c-000000000003", "proposed_cid": "c-000000000004",
            "draft_mid": "m-000000000000", "draft_sheet": "fiche-en-brouillon"}


def _leaks(role: str, body: bytes) -> list[str]:
    text = body.decode("utf-8", "replace").lower()
    return [c for c in PRIVATE if c.lower() in text and c not in ALLOWED[role]]


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(tmp_path, role):
    world = build_world(tmp_path / "data")
    device = Device(world, role)
    wrong, leaks, errors = [], [], []

    def look(method: str, url: str, endpoint: str, expected: int) -> None:
        target = url.format(**world.ids)
        response = device.client.get(target) if method == "GET" else device.post(target)
        if response.status_code != expected:
            wrong.append(f"{method} {url} ({endpoint}): {response.status_code}, expected {expected}")
        if response.status_code >= 500:
            errors.append(f"{method} {url}")
        location = response.headers.get("Location", "")
        if location and not location.startswith("/"):
            wrong.append(f"{method} {url}: redirect to {location}")
        found = _leaks(role, response.data)
        if found:
            leaks.append(f"{method} {url}: {found}")

    for url, endpoint, _text in TABLE:
        look("GET", url, endpoint, _cells((url, endpoint, _text))[role][0])
    for url, endpoint, _text in TABLE:
        look("POST", url, endpoint, _cells((url, endpoint, _text))[role][1])
        if endpoint in SESSION_ENDING:
            device.start()
    assert not errors, errors
    assert not leaks, "private content reached " + role + ":\n" + "\n".join(leaks)
    assert not wrong, "\n".join(wrong)
