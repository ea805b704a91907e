"""Issue 3's browser test: on a phone, three taps find where a person can take a shower now."""

import re

from playwright.sync_api import expect

from tests.browser.test_journeys import tuesday_morning  # noqa: F401 (fixture: Tuesday 10:00 in Paris)


def test_se_laver_then_open_now_then_the_sheet_in_three_taps(page, tuesday_morning):  # noqa: F811
    assert page.viewport_size["width"] == 360
    page.goto("/annuaire/")
    page.get_by_role("navigation", name="Choisir un besoin").get_by_role("link", name=re.compile("Se laver")).click()
    count = page.locator("#dir-count")
    expect(count).to_contain_text("Se laver")
    all_showers = int(re.match(r"\d+", count.inner_text()).group())
    page.get_by_role("navigation", name="Ouvert quand ?").get_by_role("link", name="Ouvert maintenant").click()
    expect(count).to_have_text(re.compile(r"^1 lieu"))
    assert all_showers > 1  # so "open now" really narrowed the list
    assert "besoin=se-laver" in page.url
    assert "ouvert=maintenant" in page.url
    page.locator("#resultats").get_by_role("link", name="Agheb / Le Phare").first.click()
    expect(page.locator("h1")).to_have_text("Agheb / Le Phare")
    expect(page.locator(".dir-hours")).to_contain_text("Ouvert maintenant")
    assert page.evaluate("document.scrollingElement.scrollWidth <= 360")
