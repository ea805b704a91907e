"""Browser: structure names are suggested while typing; the results page is accessible at 360 px."""

from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations


def _wait_for_index(page, query: str) -> None:
    """The live app indexes in the background: wait (bounded) until the demo data is searchable."""
    page.goto(f"/recherche?q={query}")
    expect(page.locator(".search-results li").first).to_be_visible(timeout=20_000)


def test_names_are_suggested_while_typing(page):
    _wait_for_index(page, "agheb")
    page.goto("/wiki/Accueil")
    box = page.locator("#q-site")
    box.press_sequentially("aghe", delay=50)
    option = page.locator("datalist#search-names option[value='Agheb / Le Phare']")
    expect(option).to_have_count(1, timeout=5_000)


def test_results_page_is_accessible_and_fits_a_phone(page):
    _wait_for_index(page, "hebergement")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator(".search-tabs a[aria-current=page]")).to_contain_text("Tout")
    expect(page.locator(".search-results mark").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(page)


def test_typo_correction_link(page):
    _wait_for_index(page, "alcolisme")
    link = page.get_by_role("link", name="alcoolisme")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("#q")).to_have_value("alcoolisme")
