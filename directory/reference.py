"""Reference lists of the directory: data·inclusion vocabularies, plain-word needs, languages.

The data·inclusion files in `directory/reference/` are unmodified copies of the national
schema (Licence Ouverte 2.0, see directory/reference/README.md). They are read once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from i18n import N_, Message  # labels are Messages: French text, translated where a page shows them

REFERENCE_DIR = Path(__file__).parent / "reference"


@cache
def _load(filename: str) -> tuple[tuple[str, str], ...]:
    with open(REFERENCE_DIR / filename, encoding="utf-8") as fh:
        return tuple((item["value"], Message(item["label"])) for item in json.load(fh))


def thematiques() -> dict[str, str]:
    """data·inclusion v1 thématiques: value -> French label."""
    return dict(_load("thematiques.json"))


def categories() -> dict[str, str]:
    """The 16 data·inclusion categories (prefix of a thématique): slug -> label."""
    return dict(_load("thematiques-categories.derived.json"))


def thematiques_by_category() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """[(category slug, label, [(thématique, label), ...]), ...] for grouped checkboxes."""
    them = thematiques()
    return [
        (slug, label, [(v, lab) for v, lab in them.items() if v.startswith(slug + "--")])
        for slug, label in categories().items()
    ]


def publics() -> dict[str, str]:
    """data·inclusion v1 publics: value -> label."""
    return dict(_load("publics.json"))


def service_types() -> dict[str, str]:
    """data·inclusion v1 types de services."""
    return dict(_load("types-de-services.json"))


def structure_types() -> dict[str, str]:
    """Types of structure (data·inclusion v0 typologies, the most complete French list)."""
    return dict(_load("typologies-de-structures.json"))


# How a person gets in: local values (data·inclusion v0 had the same idea), mapped on export.
ACCESS_MODES = {
    "sans-rdv": N_("Sans rendez-vous"),
    "rdv": N_("Sur rendez-vous"),
    "inscription": N_("Sur inscription"),
    "orientation": N_("Orientation par un professionnel"),
}

PRICES = {
    "gratuit": N_("Gratuit"),
    "participation": N_("Participation libre ou symbolique"),
    "payant": N_("Payant"),
}

YES_NO_UNKNOWN = {"oui": N_("Oui"), "non": N_("Non"), "inconnu": N_("Non renseigné")}

LANGUAGES = {
    "fr": N_("français"),
    "en": N_("anglais"),
    "ar": N_("arabe"),
    "es": N_("espagnol"),
    "pt": N_("portugais"),
    "de": N_("allemand"),
    "it": N_("italien"),
    "ru": N_("russe"),
    "uk": N_("ukrainien"),
    "ro": N_("roumain"),
    "fa": N_("persan (dari, farsi)"),
    "ps": N_("pachto"),
    "tr": N_("turc"),
    "ka": N_("géorgien"),
    "sq": N_("albanais"),
    "so": N_("somali"),
    "ti": N_("tigrigna"),
    "ln": N_("lingala"),
    "br": N_("breton"),
    "lsf": N_("langue des signes française"),
}


@dataclass(frozen=True)
class Need:
    """A need in plain words, with its pictogram, and what it covers in data·inclusion terms."""

    slug: str
    label: str
    icon: str
    thematiques: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    local: bool = False  # a need data·inclusion has no thématique for (ticked on the service)


NEEDS: tuple[Need, ...] = (
    Need("manger", N_("Manger"), "🍽", frozenset({"equipement-et-alimentation--alimentation"})),
    Need("dormir", N_("Dormir"), "🛏",
         frozenset({"logement-hebergement--rechercher-une-solution-dhebergement-temporaire"})),
    Need("se-laver", N_("Se laver"), "🚿", local=True),
    Need("s-habiller", N_("S'habiller"), "👕", frozenset({"equipement-et-alimentation--habillement"})),
    Need("se-soigner", N_("Se soigner"), "🩺", categories=frozenset({"sante"})),
    Need("etre-ecoute", N_("Être écouté"), "👂",
         frozenset({"sante--sante-mentale", "remobilisation--lien-social",
                    "remobilisation--bien-etre-confiance-en-soi"})),
    Need("s-occuper", N_("S'occuper"), "🎨",
         frozenset({"remobilisation--activites-sportives-et-culturelles",
                    "remobilisation--benevolat-action-citoyenne", "remobilisation--lien-social"})),
    Need("demarches", N_("Démarches"), "📄",
         categories=frozenset({"difficultes-administratives-ou-juridiques", "difficultes-financieres"})),
    Need("se-loger", N_("Se loger"), "🏠", categories=frozenset({"logement-hebergement"})),
    Need("addictions", N_("Addictions"), "🤝", frozenset({"sante--addictions"})),
    Need("numerique", N_("Internet, téléphone"), "💻", categories=frozenset({"numerique"})),
    Need("se-deplacer", N_("Se déplacer"), "🚲", categories=frozenset({"mobilite"})),
    Need("travailler", N_("Travailler"), "🧰",
         categories=frozenset({"trouver-un-emploi", "preparer-sa-candidature", "choisir-un-metier"})),
    Need("famille", N_("Famille, enfants"), "👪", categories=frozenset({"famille"})),
)


@cache  # asked for each service of each listed place: build it once (do not modify it)
def needs() -> dict[str, Need]:
    """Plain-word needs by slug, in display order."""
    return {need.slug: need for need in NEEDS}


def local_needs() -> dict[str, str]:
    """Needs a service is ticked for directly (no data·inclusion thématique covers them)."""
    return {n.slug: n.label for n in NEEDS if n.local}


def matches_need(slug: str, service_thematiques: list[str], service_needs: list[str]) -> bool:
    """Whether a service answers a `besoin` value: a plain-word need or a data·inclusion category."""
    need = needs().get(slug)
    if need is None:
        return any(t.split("--", 1)[0] == slug for t in service_thematiques)
    if slug in service_needs:
        return True
    return any(t in need.thematiques or t.split("--", 1)[0] in need.categories
               for t in service_thematiques)
