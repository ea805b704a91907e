"""The participant screens of a workshop, walked in a real browser.

Used by the FALC / AAA tests (tests/browser/test_a11y_participant.py) and by scripts/screenshots,
so that the screens checked are the screens shown in docs/screenshots/.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page, expect

SLUG = "agheb-le-phare"


def jpeg(color: str = "orange", size: tuple[int, int] = (640, 480)) -> bytes:
    """A small real photo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, size[1] // 3, size[0] * 3 // 4, size[1] - 20), fill="steelblue")
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def hand_over(page: Page, pseudonym: str, title: str | None = None) -> None:
    """A mediator opens a workshop about the demo place, adds `pseudonym` and hands the device over."""
    page.goto("/login")
    page.get_by_label("Identifiant").fill("medi")
    page.get_by_label("Mot de passe").fill("medi-password")
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/atelier/")
    page.get_by_label("Titre de l'atelier").fill(title or f"Atelier avec {pseudonym}")
    page.get_by_label("Lieu de l'annuaire").select_option(SLUG)
    page.get_by_role("button", name="Ouvrir l'atelier").click()
    page.get_by_label("Nouveau pseudonyme").fill(pseudonym)
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_role("button", name=f"Donner la main à {pseudonym}").click()
    expect(page.locator("h1")).to_have_text(f"Bonjour {pseudonym}")


def walk(page: Page, files: Path) -> Iterator[tuple[str, str]]:
    """Go through every participant screen; yield (name, what it shows) on each one."""
    files.mkdir(parents=True, exist_ok=True)
    yield "01-accueil", "Le choix : photo, voix, vidéo, écrire, avis"

    page.get_by_role("link", name="Prendre une photo").click()
    expect(page.locator("h1")).to_have_text("Prendre une photo")
    yield "02-photo", "Prendre ou choisir une photo"
    wrong = files / "pas-une-photo.jpg"
    wrong.write_text("ceci n'est pas une photo")
    page.get_by_label("Prendre ou choisir la photo").set_input_files(str(wrong))
    expect(page.get_by_role("alert")).to_contain_text("pas une photo")
    yield "03-photo-erreur", "Un fichier qui n'est pas une photo : le message"
    photo = files / "photo.jpg"
    photo.write_bytes(jpeg())
    page.get_by_label("Prendre ou choisir la photo").set_input_files(str(photo))
    expect(page.locator("h1")).to_have_text("Quelques mots ?")
    yield "04-photo-mots", "Quelques mots sur la photo (facultatif)"
    page.get_by_role("button", name="Passer").click()
    expect(page.locator("h1")).to_have_text("C'est à propos de quoi ?")
    yield "05-photo-lieu", "De quoi parle la photo : un lieu, mon parcours, rien de précis"
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator("h1")).to_have_text("Qui peut voir ?")
    yield "06-accord", "Qui peut voir : tout le monde, ou le réseau"
    page.get_by_label("Seulement les professionnels du réseau").check()
    page.get_by_label("Non", exact=True).check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator("h1")).to_have_text("C'est prêt ?")
    yield "07-envoi", "Le résumé avant d'envoyer"
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("status").first).to_contain_text("C'est envoyé")
    yield "08-envoye", "C'est envoyé : une personne va relire"

    page.goto("/atelier/moi")
    page.get_by_role("link", name="Enregistrer ma voix").click()
    expect(page.locator("h1")).to_have_text("Enregistrer ma voix")
    yield "09-voix", "Enregistrer sa voix"
    page.goto("/atelier/moi")
    page.get_by_role("link", name="Envoyer une vidéo").click()
    expect(page.locator("h1")).to_have_text("Envoyer une vidéo")
    yield "10-video", "Envoyer une vidéo"
    page.goto("/atelier/moi")
    page.get_by_role("link", name="Écrire").click()
    expect(page.locator("h1")).to_have_text("Écrire")
    yield "11-ecrire", "Écrire un texte"
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator(".error").first).to_be_visible()
    yield "12-ecrire-erreur", "Rien n'est écrit : le message à côté du champ"

    page.goto("/atelier/moi")
    page.get_by_role("link", name="Donner mon avis").click()
    expect(page.locator("h1")).to_have_text("Votre avis sur quel lieu ?")
    yield "13-avis-lieu", "Donner son avis : sur quel lieu"
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator("h1")).to_have_text("Donner mon avis")
    yield "14-avis-parole", "Donner son avis : parler ou écrire"
    page.get_by_label("Écrire mon avis").fill("On est bien reçus.")
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator("h1")).to_have_text("Vous êtes content de ce lieu ?")
    yield "15-avis-note", "Content, moyen, pas content"

    page.goto("/atelier/moi")
    expect(page.get_by_role("heading", name="Ce que j'ai fait")).to_be_visible()
    yield "16-accueil-apres", "L'accueil, avec ce que la personne a déjà fait"
    page.get_by_role("button", name="J'ai fini").click()
    expect(page.locator("h1")).to_have_text("Merci !")
    yield "17-merci", "Merci : rendre l'appareil"
