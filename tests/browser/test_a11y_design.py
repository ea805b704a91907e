"""Design rules across the site: works without JavaScript for reading and searching, nothing
breaks under the Content-Security-Policy (no bypass here), form errors are written next to their
field and tied to it, targets of 44 px on the phone screens people use most."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import page_checks as checks
from tests.browser.a11y import assert_no_axe_violations
from tests.browser.seed import seed_extras

SLUG = "agheb-le-phare"


@pytest.fixture(scope="module")
def names(live_app):
    return seed_extras(live_app)


def _context(browser, browser_context_args, live_server, **extra):
    return browser.new_context(**{**browser_context_args, "base_url": live_server, **extra})


def _sign_in(page, user: str) -> None:
    page.goto("/login")
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill(f"{user}-password")
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_url(lambda url: "/login" not in url)


# ---------------------------------------------------------------- without JavaScript


def test_reading_and_searching_work_without_javascript(browser, browser_context_args, live_server):
    context = _context(browser, browser_context_args, live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/annuaire/")
        assert page.evaluate("1 + 1") == 2  # (Playwright's own evaluation still works)
        assert page.locator("#resultats a[href^='/annuaire/']").count() >= 10
        page.get_by_label("Rechercher un lieu, un service").fill("douche")
        page.get_by_role("button", name="Voir les lieux").click()
        expect(page.locator("#dir-count")).to_have_text(re.compile(r"^2 lieux"), timeout=20_000)
        page.get_by_role("link", name="Agheb / Le Phare").first.click()
        expect(page.locator("h1")).to_have_text("Agheb / Le Phare")
        expect(page.locator(".dir-hours table")).to_be_visible()  # the hours, without the map
        expect(page.get_by_role("heading", name="Y aller, y entrer")).to_be_visible()

        page.get_by_label("Rechercher", exact=True).fill("hebergement")
        page.get_by_role("button", name="Chercher").click()
        expect(page).to_have_url(re.compile(r"/recherche\?q=hebergement"))
        expect(page.locator(".search-results li").first).to_be_visible(timeout=20_000)
        page.locator(".search-results li a").first.click()
        expect(page.locator("h1")).to_be_visible()

        page.goto("/wiki/Accueil")
        expect(page.locator(".markup")).not_to_be_empty()
        page.goto("/agenda/")
        expect(page.locator("h1")).to_be_visible()
        page.goto("/aide/accueil")
        expect(page.get_by_role("heading", name="Chercher")).to_be_visible()
    finally:
        context.close()


# ---------------------------------------------------------------- CSP, not bypassed

_WATCH = """
document.addEventListener("securitypolicyviolation", e => {
  (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def test_no_content_security_policy_violation_on_the_main_pages(
        browser, browser_context_args, live_server, names):
    context = _context(browser, browser_context_args, live_server, bypass_csp=False)
    context.add_init_script(_WATCH)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    visited = []

    def visit(url):
        response = page.goto(url)
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        visited.append((url, page.evaluate("window.__csp || []")))

    try:
        for url in ("/wiki/Accueil", "/annuaire/", f"/annuaire/{SLUG}", "/annuaire/guide",
                    "/recherche?q=douche", "/agenda/", "/galerie/", f"/galerie/{names['voice']}",
                    "/aide/", "/aide/compte-rendu", "/accessibilite", "/login"):
            visit(url)
        page.locator("#q-site").press_sequentially("aghe", delay=30)  # suggestions script
        _sign_in(page, "anne")
        for url in ("/wiki/Accueil?action=edit", f"/wiki/{names['page']}", f"/annuaire/{SLUG}/modifier",
                    "/agenda/nouveau", "/recent"):
            visit(url)
        _sign_in(page, "medi")
        visit("/atelier/")
        page.get_by_label("Titre de l'atelier").fill("Atelier CSP")
        page.get_by_role("button", name="Ouvrir l'atelier").click()
        page.get_by_label("Nouveau pseudonyme").fill("Csp")
        page.get_by_role("button", name="Ajouter", exact=True).click()
        page.get_by_role("button", name="Donner la main à Csp").click()
        for url in ("/atelier/moi", "/atelier/moi/nouveau/voix", "/atelier/moi/nouveau/photo"):
            visit(url)
    finally:
        context.close()
    violations = [(url, v) for url, found in visited for v in found]
    assert not violations, violations
    refused = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert not refused, refused
    assert len(visited) == 21


# ---------------------------------------------------------------- form errors

# (user, url, what to fill before sending with the browser's own checks off, button)
BAD_FORMS = [
    ("anne", "/nouvelle-page", {}, "Ouvrir l'éditeur"),
    ("anne", "/compte", {"Mot de passe actuel": "faux", "Nouveau mot de passe": "court",
                         "Nouveau mot de passe, encore une fois": "autre"}, "Changer le mot de passe"),
    ("anne", "/agenda/nouveau", {}, "Enregistrer"),
    ("anne", "/annuaire/nouvelle", {}, "Enregistrer"),
    ("anne", f"/annuaire/{SLUG}/modifier", {re.compile(r"^Nom\b"): "", "Site web": "pas une adresse"},
     "Enregistrer"),
    ("medi", "/atelier/", {}, "Ouvrir l'atelier"),
    ("medi", "/atelier/{wid}", {"Nouveau pseudonyme": "@@@"}, "Ajouter"),
    ("admin", "/admin/comptes", {"Identifiant": "Pas Valide!"}, "Créer le compte"),
]


@pytest.mark.parametrize(("user", "url", "values", "button"), BAD_FORMS, ids=[f[1] for f in BAD_FORMS])
def test_form_errors_are_written_next_to_their_field(browser, browser_context_args, live_server, names,
                                                     user, url, values, button):
    context = _context(browser, browser_context_args, live_server)
    page = context.new_page()
    try:
        _sign_in(page, user)
        page.goto(url.format(**names))
        page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
        for label, value in values.items():
            page.get_by_label(label).first.fill(value)
        page.get_by_role("button", name=button, exact=True).first.click()
        expect(page.locator(".error").first).to_be_visible()
        invalid, problems = checks.error_problems(page)
        assert invalid >= 1, "no field is marked aria-invalid"
        assert not problems, problems
        first = page.locator("[aria-invalid=true]").first
        assert first.evaluate("el => el.closest('.field, fieldset, .dir-slot, form') !== null")
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_a_wrong_password_is_announced(page):
    page.goto("/login")
    page.get_by_label("Identifiant").fill("anne")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"\w"))
    assert_no_axe_violations(page)


# ---------------------------------------------------------------- targets on the phone


@pytest.mark.parametrize("url", ["/annuaire/", f"/annuaire/{SLUG}", "/annuaire/?q=douche",
                                 "/recherche?q=douche", "/agenda/", "/galerie/", "/aide/",
                                 "/aide/accueil", "/wiki/Accueil", "/login"])
def test_touch_targets_are_44_px_on_a_phone(page, url):
    page.goto(url)
    problems = checks.target_problems(page, 44)
    assert not problems, "\n".join(problems)
