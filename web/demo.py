"""The embedded demo data folder, created on first run when missing."""

from __future__ import annotations

import sys
from pathlib import Path

from wiki.store import atomic_write

PAGES_DIR = Path(__file__).parent / "demo_pages"
# file name -> (page name, public)
DEMO_PAGES = {
    "accueil.md": ("Accueil", True),
    "modele-compte-rendu.md": ("Modèles/Compte rendu de réunion", False),
    "modele-fiche-action.md": ("Modèles/Fiche action", False),
    "modele-projet.md": ("Modèles/Projet", False),
    "aide.md": ("Aide", True),
}


def register_seeder(app, seeder) -> None:
    """Let a package add its own demo content (called with the app, once)."""
    app.extensions.setdefault("reperes", {}).setdefault("demo_seeders", []).append(seeder)


def create_if_missing(app) -> bool:
    """Fill an empty data folder with the demo content; print the admin password once."""
    data_dir = Path(app.config["DATA_DIR"])
    marker = data_dir / "config" / "demo-created"
    if marker.exists():
        return False
    pages = app.extensions["reperes"]["pages"]
    for filename, (name, public) in DEMO_PAGES.items():
        if pages.current_number(name) is None:
            text = (PAGES_DIR / filename).read_text(encoding="utf-8")
            pages.save(name, text, author="demo", comment="page de démonstration",
                       meta={"public": public})
    users = app.extensions["reperes"]["users"]
    if users.get("admin") is None:
        _user, password = users.add("admin", ["admin"], display_name="Administrateur")
        print(
            "\n  Repères — compte de démonstration créé\n"
            f"  identifiant : admin\n  mot de passe : {password}\n"
            "  (affiché une seule fois ; changez-le dans « Mon compte »)\n",
            file=sys.stderr,
        )
    for seeder in app.extensions["reperes"].get("demo_seeders", []):
        seeder(app)
    marker.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(marker, "1\n")
    return True
