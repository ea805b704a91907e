"""Aide: one short guide per role, and the accessibility statement (RGAA model).

The guides are templates (templates/help/), versioned with the code they describe; their
screenshots are made by `scripts/screenshots` into static/help/.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("help", __name__)

# slug -> (title, who it is for); the order is the order of the index.
GUIDES = {
    "compte-rendu": (_l("Écrire un compte rendu"), _l("membres du réseau")),
    "fiche": (_l("Mettre à jour la fiche de sa structure"), _l("référents d'une structure")),
    "accueil": (_l("Trouver un lieu pour une personne"), _l("accueil, permanence, téléphone")),
    "atelier": (_l("Animer un atelier"), _l("médiateurs et médiatrices")),
    "moderation": (_l("Relire et publier les contributions"), _l("modérateurs")),
    "administration": (_l("Administrer Repères"), _l("administrateurs")),
}


@bp.route("/aide/")
def index():
    """The list of guides."""
    return render_template("help/index.html", guides=GUIDES)


@bp.route("/aide/<slug>")
def guide(slug: str):
    """One guide (a fixed list: anything else is a 404)."""
    if slug not in GUIDES:
        abort(404)
    title, audience = GUIDES[slug]
    return render_template(f"help/{slug}.html", title=title, audience=audience, slug=slug,
                           guides=GUIDES)


@bp.route("/accessibilite")
def accessibility():
    """Déclaration d'accessibilité (RGAA 4.1 model)."""
    return render_template("help/accessibility.html")


def init_app(app):
    """Register the blueprint and the two footer links."""
    from web import add_menu

    app.register_blueprint(bp)
    add_menu(app, "help.index", _l("Aide"), order=5, place="footer")
    add_menu(app, "help.accessibility", _l("Accessibilité : non conforme"), order=6,
             place="footer")
