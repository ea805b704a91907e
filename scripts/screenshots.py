"""Make the screenshots: participant screens at 360 px (docs/screenshots/) and the Aide guides'
pictures (static/help/). Run by scripts/screenshots; Debian's chromium through Playwright.

A fresh demo data folder is made in a temporary directory and served on a free loopback port;
the participant screens are walked by tests/browser/participant.py (the same walk the FALC
test checks).
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from tests.browser.participant import SLUG, walk  # noqa: E402
from tests.browser.seed import seed_extras  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
HELP = ROOT / "static" / "help"
WIDTH, HEIGHT = 360, 740
MINUTES = """# Compte rendu de réunion — 3 mars

- **Groupe :** Isolement social
- **Présents :** CCAS, Le Phare, Emergence

## Décisions

- Un planning commun des accueils de jour pour l'hiver.

## Actions à mener

- [x] Envoyer la liste des accueils — Anne — 10 mars
- [ ] Mettre à jour les horaires d'hiver dans l'annuaire — chaque référent
- [ ] Préparer l'atelier photo — Bob — 24 mars
"""


def save_png(data: bytes, path: Path) -> None:
    """Write a screenshot with a 256-colour palette (a third of the size, same look)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    print(f"  {path.relative_to(ROOT)}")


def shot(page, path: Path, selector: str | None = None) -> None:
    """The screen as a phone shows it; from `selector` down when given (one screen high)."""
    if selector is None:
        save_png(page.screenshot(), path)
        return
    box = page.locator(selector).first.bounding_box()
    scroll = page.evaluate("window.scrollY")
    total = page.evaluate("document.scrollingElement.scrollHeight")
    top = max(0, box["y"] + scroll - 8)
    clip = {"x": 0, "y": top, "width": WIDTH, "height": min(HEIGHT, total - top)}
    save_png(page.screenshot(full_page=True, clip=clip), path)


def login(page, user: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill(f"{user}-password")
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_url(lambda url: "/login" not in url)


def main() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    data = Path(tempfile.mkdtemp(prefix="reperes-shots-"))
    try:
        app = create_app({"DATA_DIR": str(data / "data"), "SECRET_KEY": "screenshots", "DEMO": True})
        users = app.extensions["reperes"]["users"]
        for name, roles in [("anne", ["member"]), ("medi", ["mediateur"]), ("modo", ["moderateur"])]:
            users.add(name, roles, f"{name}-password")
        users.set_password("admin", "admin-password")
        seed_extras(app)
        app.extensions["reperes"]["pages"].save("Comptes rendus/Réunion du 3 mars", MINUTES,
                                                 author="anne", meta={"public": False})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                         args=["--lang=fr-FR"])
            context = browser.new_context(base_url=base, locale="fr-FR", device_scale_factor=1,
                                          viewport={"width": WIDTH, "height": HEIGHT})
            page = context.new_page()
            print("Participant screens (docs/screenshots/):")
            from tests.browser.participant import hand_over

            hand_over(page, "Mona", "Atelier photo au Phare")
            index = ["# Écrans des personnes accueillies (360 px)", "",
                     "Faits par `./scripts/screenshots` ; les mêmes écrans sont vérifiés par",
                     "`tests/browser/test_a11y_participant.py` (FALC, contraste 7:1, cibles de 44 px).", ""]
            for name, what in walk(page, data / "files"):
                page.evaluate("window.scrollTo(0, 0)")
                save_png(page.screenshot(full_page=True), SHOTS / f"{name}.png")
                index.append(f"- [{name}]({name}.png) : {what}")
                if name == "01-accueil":
                    shutil.copy(SHOTS / f"{name}.png", HELP / "atelier-participant.png")
            (SHOTS / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
            print("Guides (static/help/):")
            login(page, "anne")
            page.goto("/nouvelle-page")
            page.get_by_label("Titre de la page").fill("Compte rendu — réunion du 3 mars")
            page.get_by_label("Compte rendu de réunion").check()
            shot(page, HELP / "compte-rendu-modele.png", "h1")
            page.goto("/wiki/Comptes rendus/Réunion du 3 mars")
            shot(page, HELP / "compte-rendu-page.png", "h1")
            page.goto(f"/annuaire/{SLUG}/modifier")
            shot(page, HELP / "fiche-horaires.png", "fieldset:has(legend:text-is(\"Horaires d'ouverture\"))")
            page.context.clear_cookies()
            page.goto(f"/annuaire/{SLUG}")
            shot(page, HELP / "fiche-publique.png", "h1")
            shutil.copy(HELP / "fiche-publique.png", HELP / "accueil-fiche.png")
            page.goto("/annuaire/?q=douche&ouvert=maintenant")
            shot(page, HELP / "accueil-recherche.png", ".dir-filters")
            login(page, "modo")
            page.goto("/moderation/")
            shot(page, HELP / "moderation-liste.png", "h1")
            login(page, "admin")
            page.goto("/admin/")
            shot(page, HELP / "administration.png", "h1")
            browser.close()
        server.shutdown()
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
