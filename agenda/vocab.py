"""The directory's vocabularies the agenda shares (needs in plain words, data·inclusion publics).

Read from directory.reference when the directory is installed, else from the
data·inclusion file it ships, so that the agenda's filters take the same values
as /annuaire/ (besoin=manger, public=jeunes...).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_FALLBACK_NEEDS = {
    "manger": "Manger", "dormir": "Dormir", "se-laver": "Se laver", "s-habiller": "S'habiller",
    "se-soigner": "Se soigner", "etre-ecoute": "Être écouté", "s-occuper": "S'occuper",
    "demarches": "Démarches", "se-loger": "Se loger", "addictions": "Addictions",
    "numerique": "Internet, téléphone", "se-deplacer": "Se déplacer", "travailler": "Travailler",
    "famille": "Famille, enfants",
}


@cache
def needs() -> dict[str, str]:
    """Plain-word needs: slug -> label."""
    try:
        from directory import reference
    except ImportError:
        return dict(_FALLBACK_NEEDS)
    return {slug: need.label for slug, need in reference.needs().items()}


@cache
def publics() -> dict[str, str]:
    """data·inclusion publics: value -> label."""
    try:
        from directory import reference
    except ImportError:
        path = Path(__file__).parent.parent / "directory" / "reference" / "publics.json"
        with open(path, encoding="utf-8") as fh:
            return {item["value"]: item["label"] for item in json.load(fh)}
    return reference.publics()
