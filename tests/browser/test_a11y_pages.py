"""Every page type, as anonymous and as member (and with the role it needs), at 320 px:
axe-core WCAG 2.1 AA + 2.2 target-size with zero violations, lang="fr", one h1, a working skip
link, visible focus, no sideways scrolling, images with alt, media with transcripts.

PAGES lists one URL per page type; `test_every_get_page_is_listed` fails when a GET route that
answers HTML is neither in PAGES nor in NOT_PAGES (so a new page cannot escape these checks).
"""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from tests.browser import page_checks as checks
from tests.browser.a11y import WCAG22_AA, format_violations, run_axe
from tests.browser.conftest import login
from tests.browser.seed import seed_extras

PUBLIC = [  # anonymous and member
    "/", "/wiki/{page}", "/annuaire/", "/annuaire/?ouvert=maintenant&q=douche", "/annuaire/{slug}",
    "/annuaire/{media_slug}", "/annuaire/guide", "/agenda/", "/agenda/?vue=mois", "/agenda/archives",
    "/agenda/evenement/{event_public}",
    "/galerie/", "/galerie/{voice}", "/galerie/{video}", "/recherche", "/recherche?q=douche",
    "/recherche?q=zzzxqy", "/aide/", "/aide/compte-rendu", "/accessibilite", "/page-qui-n-existe-pas",
    "/wiki/{page}?action=attachments",
]
ANONYMOUS = ["/login", "/atelier/moi"]
MEMBER = [
    "/wiki/", "/recent", "/nouvelle-page", "/wiki/{page}?action=edit", "/wiki/{page}?action=history",
    "/wiki/{page}?action=diff", "/wiki/{page}?action=rename", "/wiki/{page}?action=delete",
    "/wiki/Page manquante", "/compte", "/annuaire/nouvelle", "/annuaire/{slug}/modifier",
    "/annuaire/{slug}/historique", "/annuaire/{slug}/diff", "/annuaire/{slug}?rev=1", "/annuaire/suivi",
    "/agenda/nouveau", "/agenda/a-verifier", "/agenda/mon-lien", "/agenda/evenement/{event_internal}",
    "/agenda/evenement/{event_public}/historique", "/agenda/evenement/{event_public}/diff",
    "/agenda/evenement/{event_public}/modifier", "/evaluation/", "/admin/",
]
ADMIN = ["/admin/", "/admin/apparence", "/admin/comptes", "/admin/journal", "/recherche/synonymes",
         "/annuaire/import"]
MEDIATOR = ["/atelier/", "/atelier/{wid}", "/atelier/personnes", "/atelier/personnes/{pid}",
            "/atelier/c/{draft}", "/atelier/c/{draft}/texte", "/atelier/{wid}/p/{pid}/nouveau/avis"]
MODERATOR = ["/moderation/", "/moderation/?statut=publie", "/moderation/{voice}"]

CASES = ([("anonyme", u) for u in PUBLIC + ANONYMOUS] + [("anne", u) for u in PUBLIC + MEMBER]
         + [("admin", u) for u in ADMIN] + [("medi", u) for u in MEDIATOR]
         + [("modo", u) for u in MODERATOR])

# GET endpoints that are not pages (files, feeds, data) or are checked elsewhere.
NOT_PAGES = {
    "static": "files", "admin.healthz": "text for monitoring", "admin.theme_css": "CSS",
    "admin.theme_logo": "image", "agenda.feed_ics": "iCalendar", "agenda.event_ics": "iCalendar",
    "agenda.structure_ics": "iCalendar", "agenda.member_ics": "iCalendar", "agenda.feed_atom": "Atom",
    "agenda.picture": "image", "directory.export_csv": "CSV", "directory.export_datainclusion": "JSON",
    "directory.photo": "image", "wiki.attachment": "file", "wiki.recent_atom": "Atom",
    "gallery.feed": "Atom", "gallery.media": "media file", "evaluation.export_csv": "CSV",
    "mediation.export_person": "ZIP", "search.suggestions": "JSON",
    "mediation.me": "participant screen: test_a11y_participant.py",
    "mediation.new_mine": "participant screen: test_a11y_participant.py",
    "mediation.step": "participant screens: test_a11y_participant.py (and here as mediator)",
}
WORK_SCREENS = ("/moderation/", "/atelier/")
# Where an error page is the page type under test.
EXPECTED_STATUS = {"/page-qui-n-existe-pas": 404, "/atelier/moi": 403, "/wiki/Page manquante": 404,
                   ("anne", "/admin/"): 403}


@pytest.fixture(scope="session")
def names(live_app):
    """Names of the demo and extra content the URLs point to."""
    return seed_extras(live_app)


@pytest.fixture(scope="session")
def contexts(browser, browser_context_args, live_server):
    """One logged-in browser context per user, 320 px wide (the narrowest phone we serve)."""
    made = {}

    def get(user):
        if user not in made:
            ctx = browser.new_context(**{**browser_context_args, "base_url": live_server,
                                         "viewport": {"width": 320, "height": 720}})
            page = ctx.new_page()
            if user != "anonyme":
                login(page, user)
                page.wait_for_url(lambda url: "/login" not in url)
            made[user] = page
        return made[user]

    yield get
    for page in made.values():
        page.context.close()


def check_page(page, url: str, expected_status: int = 200) -> list[str]:
    """Load `url` and return every problem found (empty list: the page passes)."""
    response = page.goto(url)
    problems = []
    if response.status != expected_status:
        problems.append(f"HTTP {response.status} (expected {expected_status})")
    problems += checks.structure_problems(page)
    if scroll := checks.horizontal_scroll(page, 320):
        problems.append(scroll)
    problems += checks.image_problems(page)
    if not url.startswith(WORK_SCREENS):  # published media only: transcripts are written there
        problems += checks.media_problems(page)
    violations = run_axe(page, tags=WCAG22_AA)
    if violations:
        problems.append("axe-core:\n" + format_violations(violations))
    problems += checks.skip_link_problems(page)
    return problems


@pytest.mark.parametrize(("user", "url"), CASES, ids=[f"{u}:{p}" for u, p in CASES])
def test_page_type_is_accessible(contexts, names, user, url):
    page = contexts(user)
    real = url.format(**names)
    expected = EXPECTED_STATUS.get((user, url), EXPECTED_STATUS.get(url, 200))
    problems = check_page(page, real, expected)
    assert not problems, f"{user} {real}:\n" + "\n".join(problems)


def test_every_get_page_is_listed(live_app, names):
    """A GET route that answers HTML must be checked here (or say why not in NOT_PAGES)."""
    adapter = live_app.url_map.bind("localhost")
    covered = set()
    for _user, url in CASES:
        path = url.format(**names).split("?")[0]
        try:
            covered.add(adapter.match(path, method="GET")[0])
        except NotFound:
            covered.add("(404 page)")
    assert "(404 page)" in covered
    missing = sorted(
        rule.endpoint for rule in live_app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in covered and rule.endpoint not in NOT_PAGES
    )
    assert not missing, f"page types without accessibility checks: {missing}"
