"""Browser: a mediator opens a workshop, a participant records 2 s of voice and gives an opinion
on a structure, a moderator adds the transcript and publishes, the opinion shows on the sheet."""

import re

from playwright.sync_api import expect

from tests.browser.a11y import WCAG22_AA, assert_no_axe_violations
from tests.browser.conftest import login

SLUG = "agheb-le-phare"  # a published demo sheet
TRANSCRIPT = "Au Phare on prend une douche chaude et on nous parle avec respect."


def test_voice_opinion_from_workshop_to_public_sheet(page, live_app):
    assert live_app.extensions["reperes"]["structures"].exists(SLUG)

    # The mediator opens a workshop about the place and hands the device over.
    login(page, "medi")
    page.goto("/atelier/")
    page.get_by_label("Titre de l'atelier").fill("Atelier voix au Phare")
    page.get_by_label("Lieu de l'annuaire").select_option(SLUG)
    page.get_by_role("button", name="Ouvrir l'atelier").click()
    expect(page.locator("h1")).to_have_text("Atelier voix au Phare")
    assert_no_axe_violations(page, tags=WCAG22_AA)
    page.get_by_label("Nouveau pseudonyme").fill("Mona")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_role("button", name="Donner la main à Mona").click()

    # The participant's screen: big buttons, FALC, AAA contrast.
    expect(page.locator("h1")).to_have_text("Bonjour Mona")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert_no_axe_violations(page, tags=WCAG22_AA, enable=["color-contrast-enhanced"])
    page.get_by_role("link", name="Donner mon avis").click()

    # Step 1: the place (the workshop's place is chosen already).
    expect(page.locator("h1")).to_have_text("Votre avis sur quel lieu ?")
    page.get_by_role("button", name="Continuer").click()

    # Step 2: record two seconds of voice; it is uploaded right after « Arrêter ».
    expect(page.locator("h1")).to_have_text("Donner mon avis")
    assert_no_axe_violations(page, tags=WCAG22_AA, enable=["color-contrast-enhanced"])
    recorder = page.locator("[data-recorder]")
    page.get_by_role("button", name="Enregistrer ma voix").click()
    expect(page.get_by_role("status")).to_contain_text("Je vous écoute")
    expect(recorder).to_have_attribute("data-seconds", "2", timeout=15_000)
    page.get_by_role("button", name="Arrêter").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("^C'est enregistré"), timeout=20_000)
    page.get_by_role("link", name="Continuer").click()

    # Step 3: the three faces; step 4: who may see; step 5: send.
    page.get_by_role("button", name="Content", exact=True).click()
    page.get_by_label("Tout le monde, sur internet").check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("status").first).to_contain_text("C'est envoyé")
    page.get_by_role("button", name="J'ai fini").click()

    store = live_app.extensions["reperes"]["mediation"]
    sent = [c for c in store.all() if c.kind == "avis" and c.status == "propose"]
    assert len(sent) == 1
    assert sent[0].media["category"] == "audio"
    assert sent[0].media["duration"] > 1.5

    # The moderator adds the transcript and publishes.
    login(page, "modo")
    page.goto("/moderation/")
    assert_no_axe_violations(page, tags=WCAG22_AA)
    page.get_by_role("link", name=re.compile("Avis — Mona")).click()
    assert_no_axe_violations(page, tags=WCAG22_AA)
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".error").first).to_contain_text("transcription")
    page.get_by_label("Transcription").fill(TRANSCRIPT)
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("status").first).to_have_text("Publiée.")
    page.get_by_role("button", name="Se déconnecter").click()

    # Anyone sees the opinion on the public sheet, with its transcript and its face.
    page.goto(f"/annuaire/{SLUG}")
    section = page.locator("section.on-sheet")
    expect(section.get_by_role("heading", name="La parole des personnes accueillies")).to_be_visible()
    expect(section).to_contain_text(TRANSCRIPT)
    expect(section).to_contain_text("content")
    expect(section.locator("audio")).to_have_count(1)
    assert_no_axe_violations(page, tags=WCAG22_AA, context="section.on-sheet")
    page.goto("/galerie/")
    expect(page.get_by_text(TRANSCRIPT)).to_be_visible()
    assert_no_axe_violations(page, tags=WCAG22_AA)


def test_photo_is_sent_as_soon_as_chosen_and_bad_files_get_kind_words(page, live_app, tmp_path):
    import io

    from PIL import Image

    login(page, "medi")
    page.goto("/atelier/")
    page.get_by_label("Titre de l'atelier").fill("Atelier photo")
    page.get_by_role("button", name="Ouvrir l'atelier").click()
    page.get_by_label("Nouveau pseudonyme").fill("Zia")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_role("button", name="Donner la main à Zia").click()
    page.get_by_role("link", name="Prendre une photo").click()

    fake = tmp_path / "photo.jpg"
    fake.write_text("<html><script>alert(1)</script></html>")
    page.get_by_label("Prendre ou choisir la photo").set_input_files(str(fake))
    expect(page.get_by_role("alert")).to_have_text("Ce fichier n'est pas une photo. Essayez une autre photo.")

    out = io.BytesIO()
    Image.new("RGB", (80, 60), "orange").save(out, "JPEG")
    real = tmp_path / "vraie.jpg"
    real.write_bytes(out.getvalue())
    page.get_by_label("Prendre ou choisir la photo").set_input_files(str(real))
    expect(page.locator("h1")).to_have_text("Quelques mots ?")
    store = live_app.extensions["reperes"]["mediation"]
    assert [c.kind for c in store.all() if store.participant(c.participant).pseudonym == "Zia"] == ["photo"]
