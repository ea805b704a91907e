"""Browser: a member logs in and writes a page; the public home passes axe."""

from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations
from tests.browser.conftest import login


def test_home_is_french_and_accessible(page):
    page.goto("/wiki/Accueil")
    assert page.evaluate("document.documentElement.lang") == "fr"
    expect(page.locator("h1")).to_have_count(1)
    assert_no_axe_violations(page)


def test_member_logs_in_and_saves_a_page(page):
    login(page, "anne")
    page.goto("/wiki/Essai navigateur?action=edit")
    page.get_by_label("Texte de la page").fill("# Essai\n\n- [ ] appeler le CCAS")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_have_text("Essai navigateur")
    expect(page.locator(".markup input[type=checkbox]")).to_have_count(1)
