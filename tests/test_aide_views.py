"""Aide: a guide per role, reachable from the footer of every page; the accessibility statement."""

import re
from pathlib import Path

import pytest

from aide import GUIDES


def test_footer_links_to_help_and_accessibility_on_every_kind_of_page(client, auth):
    for url in ("/", "/annuaire/", "/recherche?q=douche", "/nope-404"):
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        footer = html.split('class="site-footer"', 1)[1]
        assert 'href="/aide/"' in footer, url
        assert 'href="/accessibilite"' in footer, url
        assert "Accessibilité : non conforme" in footer
    auth.login()
    footer = client.get("/wiki/").get_data(as_text=True).split('class="site-footer"', 1)[1]
    assert 'href="/aide/"' in footer


def test_index_lists_one_guide_per_role(client):
    html = client.get("/aide/").get_data(as_text=True)
    assert html.count("<h1>") == 1
    for slug in ("compte-rendu", "fiche", "accueil", "atelier", "moderation", "administration"):
        assert f'href="/aide/{slug}"' in html
    assert len(GUIDES) == 6


@pytest.mark.parametrize("slug", list(GUIDES))
def test_each_guide_is_public_with_one_h1_and_described_screenshots(client, app, slug):
    response = client.get(f"/aide/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1>") == 1
    shots = re.findall(r'<img src="/static/help/([\w-]+)\.png(?:\?v=\w+)?" alt="([^"]*)"', html)
    assert shots, "every guide shows at least one screenshot"
    for name, alt in shots:
        assert alt.strip(), name
        assert Path(app.static_folder, "help", f"{name}.png").is_file(), \
            f"static/help/{name}.png is missing: run scripts/screenshots"


@pytest.mark.parametrize("slug", ["inconnu", "..%2Fapp.py", "accessibility", "_guide", "index"])
def test_unknown_guides_are_not_found(client, slug):
    assert client.get(f"/aide/{slug}").status_code == 404


def test_accessibility_statement_follows_the_rgaa_model(client, app):
    html = client.get("/accessibilite").get_data(as_text=True)
    for heading in ("Déclaration d'accessibilité", "État de conformité", "Ce qui est testé automatiquement",
                    "Ce qui reste à vérifier à la main", "Contenus non accessibles",
                    "Retour d'information et contact", "Voies de recours"):
        assert heading in html
    assert "non conforme" in html
    assert "Défenseur des droits" in html
    assert "mailto:" not in html
    app.config["ACCESSIBILITY_CONTACT"] = "accessibilite@example.org"
    assert 'href="mailto:accessibilite@example.org"' in client.get("/accessibilite").get_data(as_text=True)


@pytest.mark.parametrize("slug", list(GUIDES))
def test_guides_are_in_short_sentences(client, slug):
    """Plain French: no sentence of a guide is over 15 words (the FALC checker's rule)."""
    import html

    from tests.browser.falc import long_sentences

    page = client.get(f"/aide/{slug}").get_data(as_text=True)
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(pre|code)[^>]*>.*?</\1>", "", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(/p|/li|/h\d|/figcaption|br)\b[^>]*>", "\n", main))
    assert long_sentences(html.unescape(text)) == []
