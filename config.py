"""Every setting of Repères, declared once with its default and a one-line help.

Values come, in order, from these defaults, then `instance/config.py` (or the file
named by REPERES_CONFIG), then `REPERES_<NAME>` environment variables, then the
test config given to create_app().
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One configuration key, its default value and what it is for."""

    name: str
    default: Any
    help: str


SETTINGS: list[Setting] = [
    Setting("DATA_DIR", "data", "Dossier des données (pages, fiches, médias, comptes) à sauvegarder."),
    Setting("SECRET_KEY", None, "Clé secrète des sessions ; générée une fois et gardée dans DATA_DIR si absente."),
    Setting("SITE_NAME", "Repères", "Nom du site affiché dans l'en-tête et les flux."),
    Setting("DEFAULT_LOCALE", "fr", "Langue par défaut de l'interface (fr ou en)."),
    Setting("SESSION_HOURS", 8, "Durée d'inactivité (heures) après laquelle une session se termine."),
    Setting("MAX_UPLOAD_MB", 50, "Taille maximale d'un envoi de fichier, en mégaoctets."),
    Setting("MAX_IMAGE_PIXELS", 40_000_000, "Nombre maximal de pixels d'une image envoyée (protège des bombes)."),
    Setting("PASSWORD_HASH_METHOD", "scrypt", "Méthode de hachage Werkzeug des mots de passe (gardez scrypt ; la suite de tests prend une méthode rapide)."),
    Setting("LOGIN_MAX_FAILURES", 5, "Échecs de connexion tolérés par compte avant une attente."),
    Setting("LOGIN_LOCK_MINUTES", 15, "Durée de l'attente après trop d'échecs de connexion."),
    Setting("EDIT_NOTICE_MINUTES", 20, "Durée de l'avis « en cours de modification par … »."),
    Setting("SECURE_COOKIES", False, "Cookies marqués Secure (à activer derrière HTTPS)."),
    Setting("PROXY_COUNT", 0, "Nombre de proxys de confiance devant l'application (1 derrière nginx)."),
    Setting("DIRECTORY_SOURCE", "reperes-brest", "Valeur du champ source des exports data·inclusion."),
    Setting("DIRECTORY_STALE_DAYS", 183, "Âge (jours) à partir duquel une fiche est « à vérifier »."),
    Setting("DIRECTORY_THUMB_SIZE", 480, "Largeur maximale des vignettes de photos (pixels)."),
    Setting("DIRECTORY_PHOTO_MB", 8, "Taille maximale d'une photo de fiche de l'annuaire (Mo)."),
    Setting("MEDIATION_MAX_PHOTO_MB", 20, "Poids maximal d'une photo envoyée en atelier (Mo)."),
    Setting("MEDIATION_MAX_AUDIO_MB", 20, "Poids maximal d'un enregistrement de voix (Mo)."),
    Setting("MEDIATION_MAX_VIDEO_MB", 50, "Poids maximal d'une vidéo (Mo ; MAX_UPLOAD_MB plafonne tout envoi)."),
    Setting("MEDIATION_PARTICIPANT_HOURS", 12, "Durée d'inactivité (heures) après laquelle le tour d'un participant s'arrête."),
    Setting("SEARCH_PAGE_SIZE", 20, "Nombre de résultats par page de recherche."),
    Setting("AGENDA_NOW", "", "Date et heure fixes de l'agenda (démonstration, tests), ex. 2026-12-01T09:00 ; vide = maintenant."),
    Setting("BACKUP_DIR", "backups", "Dossier par défaut des sauvegardes (relatif : à côté de DATA_DIR)."),
    Setting("ACCESSIBILITY_CONTACT", "", "Adresse e-mail ou page de contact affichée dans la déclaration d'accessibilité."),
    Setting("DEMO", False, "Crée le dossier de démonstration au premier lancement s'il manque."),
]

_BOOL_TRUE = {"1", "true", "yes", "on", "oui"}


def _coerce(raw: str, default: Any) -> Any:
    """Convert an environment string to the type of the setting's default."""
    if isinstance(default, bool):
        return raw.strip().lower() in _BOOL_TRUE
    if isinstance(default, int):
        return int(raw)
    return raw


def load_config(test_config: dict | None = None) -> dict[str, Any]:
    """Merge defaults, instance file, environment and test config into one dict."""
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    config_file = Path(os.environ.get("REPERES_CONFIG", "instance/config.py"))
    if config_file.is_file():
        namespace: dict[str, Any] = {}
        exec(compile(config_file.read_text(encoding="utf-8"), str(config_file), "exec"), namespace)
        values.update({k: v for k, v in namespace.items() if k.isupper()})
    for setting in SETTINGS:
        raw = os.environ.get(f"REPERES_{setting.name}")
        if raw is not None:
            values[setting.name] = _coerce(raw, setting.default)
    if test_config:
        values.update(test_config)
    return values
