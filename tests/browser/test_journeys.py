"""The issue's journeys 1, 2, 3 and 5 in a real browser (journey 4, the mediation workshop, is
tests/browser/test_mediation_journey.py). The keyboard-only versions of 1 and 2 are in
test_a11y_keyboard.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations
from tests.browser.conftest import login
from tests.browser.participant import jpeg

ROOT = Path(__file__).resolve().parents[2]
TUESDAY_10H = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def tuesday_morning(live_app):
    """The directory's clock on a Tuesday at 10:00 in Paris (so « ouvert maintenant » is known)."""
    ext = live_app.extensions["reperes"]
    before = ext.get("directory_clock")
    ext["directory_clock"] = lambda: TUESDAY_10H
    yield TUESDAY_10H
    if before is None:
        ext.pop("directory_clock", None)
    else:
        ext["directory_clock"] = before


def make_referent(live_app, slug: str, username: str) -> None:
    """The demo sheets have no référent (no invented names): make one for the test."""
    sheets = live_app.extensions["reperes"]["structures"]
    current = sheets.load(slug)
    data = json.loads(current.text)
    if username not in data.get("referents", []):
        data["referents"] = [*data.get("referents", []), username]
        sheets.save(slug, json.dumps(data, ensure_ascii=False), author="admin", meta=current.meta)


def sign_in(page, user: str) -> None:
    """Log in through the form and wait until the login page is left."""
    login(page, user)
    page.wait_for_url(lambda url: "/login" not in url)


def new_member_context(browser, browser_context_args, live_server, user):
    context = browser.new_context(**{**browser_context_args, "base_url": live_server})
    page = context.new_page()
    sign_in(page, user)
    return page


# ---------------------------------------------------------------- journey 1


def test_journey_1_minutes_with_tasks_and_photo_two_members_at_once(
        page, browser, browser_context_args, live_server, live_app, tmp_path):
    title = "Comptes rendus/Réunion du réseau navigateur"
    sign_in(page, "anne")
    page.get_by_role("link", name="Wiki").click()
    page.get_by_role("link", name="Nouvelle page").click()
    page.get_by_label("Titre de la page").fill(title)
    page.get_by_label("Compte rendu de réunion").check()
    page.get_by_role("button", name="Ouvrir l'éditeur").click()
    text = page.get_by_label("Texte de la page")
    expect(text).to_contain_text("## Ordre du jour")  # the template is in the editor
    minutes = text.input_value().replace("(décision prise)", "Planning d'hiver commun")
    minutes += "\n- [ ] Appeler le CCAS — Anne — lundi\n- [ ] Réserver la salle — Bob\n"
    text.fill(minutes)
    page.get_by_label("Résumé de la modification").fill("première version")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".markup .task-list-item input[type=checkbox]")).to_have_count(4)

    # The photo: attached, then shown in the text.
    page.get_by_role("link", name="Fichiers joints").first.click()
    photo = tmp_path / "salle.jpg"
    photo.write_bytes(jpeg("seagreen"))
    page.get_by_label("Joindre un fichier").set_input_files(str(photo))
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("« salle.jpg » est joint à la page.")).to_be_visible()
    page.get_by_role("link", name="Retour à la page").click()
    page.get_by_role("link", name="Modifier").first.click()
    text = page.get_by_label("Texte de la page")
    text.fill(text.input_value() + "\n![La salle de réunion](attachment:salle.jpg)\n")
    page.get_by_role("button", name="Enregistrer").click()
    image = page.locator(".markup img[alt='La salle de réunion']")
    expect(image).to_be_visible()
    assert page.evaluate("img => img.naturalWidth > 0", image.element_handle())
    assert_no_axe_violations(page)

    # Anne and Bob open the editor at the same time.
    page.get_by_role("link", name="Modifier").first.click()
    bob = new_member_context(browser, browser_context_args, live_server, "bob")
    try:
        bob.goto(page.url)
        expect(bob.get_by_role("status").filter(has_text="En cours de modification par")).to_be_visible()
        anne_text = page.get_by_label("Texte de la page")
        anne_text.fill(anne_text.input_value().replace("1. Tour de table", "1. Tour de table (8 structures)"))
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("h1")).to_have_text(title)
        bob_text = bob.get_by_label("Texte de la page")
        bob_text.fill(bob_text.input_value().replace("- [ ] Réserver la salle — Bob",
                                                     "- [x] Réserver la salle — Bob (fait)"))
        bob.get_by_role("button", name="Enregistrer").click()
        expect(bob.locator("h1")).to_have_text(title)  # merged, not a conflict
    finally:
        bob.context.close()
    page.reload()
    body = page.locator(".markup")
    expect(body).to_contain_text("Tour de table (8 structures)")
    expect(body).to_contain_text("Réserver la salle — Bob (fait)")
    expect(body).to_contain_text("Planning d'hiver commun")
    expect(page.locator(".markup img[alt='La salle de réunion']")).to_be_visible()
    saved = live_app.extensions["reperes"]["pages"].load(title).text
    assert "Tour de table (8 structures)" in saved
    assert "[x] Réserver la salle" in saved


# ---------------------------------------------------------------- journey 2


def test_journey_2_front_desk_finds_an_open_shower_on_a_phone_and_prints_the_guide(
        page, tuesday_morning):
    assert page.viewport_size["width"] == 360
    page.goto("/annuaire/")
    page.get_by_label("Rechercher un lieu, un service").fill("douche")
    page.get_by_role("button", name="Voir les lieux").click()
    count = page.locator("#dir-count")
    expect(count).to_have_text(re.compile(r"^2 lieux"), timeout=20_000)  # index may still be warming
    page.get_by_role("navigation", name="Ouvert quand ?").get_by_role("link", name="Ouvert maintenant").click()
    expect(count).to_have_text(re.compile(r"^1 lieu"))
    assert page.evaluate("document.scrollingElement.scrollWidth <= 360")
    assert_no_axe_violations(page)

    page.locator("#resultats").get_by_role("link", name="Agheb / Le Phare").first.click()
    expect(page.locator("h1")).to_have_text("Agheb / Le Phare")
    expect(page.locator(".dir-hours")).to_contain_text("Ouvert maintenant")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    page.emulate_media(media="screen")
    page.go_back()

    page.get_by_role("link", name="Guide à imprimer (cette sélection)").click()
    page.wait_for_url(re.compile(r"/annuaire/guide\?"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_text("Agheb / Le Phare").first).to_be_visible()
    assert page.get_by_text("Halte accueil").count() == 0  # closed now: not in this selection
    assert_no_axe_violations(page)
    page.emulate_media(media="print")
    for hidden in (".site-header", ".main-nav", ".site-footer", ".skip-link"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("main")).to_be_visible()
    expect(page.get_by_text("Agheb / Le Phare").first).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    page.emulate_media(media="screen")


# ---------------------------------------------------------------- journey 3


def test_journey_3_referent_updates_hours_and_the_public_sheet_follows(
        page, browser, browser_context_args, live_server, live_app, tuesday_morning):
    slug = "entraide-et-amities"  # open Monday and Thursday afternoons: closed on Tuesday 10:00
    make_referent(live_app, slug, "anne")
    visitor = browser.new_context(**{**browser_context_args, "base_url": live_server}).new_page()
    try:
        visitor.goto(f"/annuaire/{slug}")
        expect(visitor.locator(".dir-hours")).to_contain_text("Fermé")
        visitor.goto("/annuaire/?ouvert=maintenant")
        expect(visitor.locator("#resultats").get_by_role("link", name=re.compile("Entraide"))).to_have_count(0)

        sign_in(page, "anne")
        page.goto(f"/annuaire/{slug}")
        page.get_by_role("link", name="Modifier", exact=True).click()
        hours = page.get_by_role("group", name="Horaires d'ouverture", exact=True)
        hours.get_by_label("de (Mardi, créneau 1)").fill("09:00")
        hours.get_by_label("à (Mardi, créneau 1)").fill("12:00")
        page.get_by_label("Résumé de la modification").fill("ouvert le mardi matin")
        page.get_by_role("button", name="Enregistrer").first.click()
        expect(page.get_by_text("Fiche enregistrée.")).to_be_visible()

        visitor.goto(f"/annuaire/{slug}")
        hours = visitor.locator(".dir-hours")
        expect(hours).to_contain_text("Ouvert maintenant")
        expect(hours).to_contain_text("ferme à 12 h")
        expect(hours.locator("tr", has_text="Mardi")).to_contain_text("9 h – 12 h")
        assert_no_axe_violations(visitor)
        visitor.goto("/annuaire/?ouvert=maintenant")
        expect(visitor.locator("#resultats").get_by_role("link", name=re.compile("Entraide")).first).to_be_visible()
    finally:
        visitor.context.close()


# ---------------------------------------------------------------- journey 5


def test_journey_5_admin_backup_from_the_cli_while_the_site_works(page, live_app, tmp_path):
    data_dir = live_app.config["DATA_DIR"]
    sign_in(page, "anne")
    page.goto("/wiki/Avant la sauvegarde?action=edit")
    page.get_by_label("Texte de la page").fill("Écrit avant la sauvegarde.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_have_text("Avant la sauvegarde")

    env = {**os.environ, "REPERES_DATA_DIR": data_dir, "REPERES_SECRET_KEY": "browser-tests"}
    env.pop("REPERES_DEMO", None)
    flask = [sys.executable, "-m", "flask", "--app", "app", "backup", str(tmp_path / "backups")]
    process = subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        served = 0
        # The site keeps answering, reading and writing, while the backup runs.
        while process.poll() is None or served < 3:
            for url in ("/annuaire/", "/wiki/Avant la sauvegarde", "/recherche?q=douche"):
                response = page.goto(url)
                assert response.status == 200, url
                served += 1
            page.goto("/wiki/Pendant la sauvegarde?action=edit")
            page.get_by_label("Texte de la page").fill(f"Écrit pendant la sauvegarde ({served}).")
            page.get_by_role("button", name="Enregistrer").click()
            expect(page.locator("h1")).to_have_text("Pendant la sauvegarde")
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    archive = Path(re.search(r"Sauvegarde écrite : (.+)", out).group(1).strip())
    assert archive.is_file()
    assert archive.parent == tmp_path / "backups"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert any("Avant(20)la(20)sauvegarde" in n for n in names), names[:20]
    assert any(n.endswith("users/anne.json") for n in names)

    # Still working afterwards: a page, the directory, a search, the admin page lists the backup.
    page.goto("/wiki/Pendant la sauvegarde")
    expect(page.locator(".markup")).to_contain_text("Écrit pendant la sauvegarde")
    sign_in(page, "admin")
    page.goto("/admin/")
    expect(page.locator("main")).to_contain_text("Sauvegardes")
