"""Contributions, workshops and participants as plain data (no Flask, no files).

A contribution is one JSON document in its own versioned store; its status follows
SPIP-like steps: brouillon -> propose -> publie / refuse / retire.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Self

from i18n import N_  # messages and labels: French text, translated where a page shows them

KINDS = ("photo", "voix", "video", "texte", "avis")
KIND_LABELS = {
    "photo": N_("Photo"),
    "voix": N_("Voix"),
    "video": N_("Vidéo"),
    "texte": N_("Texte"),
    "avis": N_("Avis"),
}
STATUSES = ("brouillon", "propose", "publie", "refuse", "retire")
STATUS_LABELS = {
    "brouillon": N_("brouillon"),
    "propose": N_("proposé"),
    "publie": N_("publié"),
    "refuse": N_("refusé"),
    "retire": N_("retiré"),
}
TRANSITIONS = {
    "brouillon": {"propose", "retire"},
    "propose": {"publie", "refuse", "brouillon", "retire"},
    "publie": {"retire"},
    "refuse": {"propose", "brouillon", "retire"},  # the mediator may rework and send again
    "retire": set(),
}
SCOPES = ("reseau", "public")
LINKS = ("structure", "activite", "parcours", "aucun")
RATINGS = {3: "content", 2: "moyen", 1: "pas content"}
# The steps a participant goes through, one screen each, by kind.
STEPS = {
    "photo": ("media", "texte", "lieu", "accord", "envoi"),
    "voix": ("media", "lieu", "accord", "envoi"),
    "video": ("media", "texte", "lieu", "accord", "envoi"),
    "texte": ("texte", "lieu", "accord", "envoi"),
    "avis": ("lieu", "parole", "note", "accord", "envoi"),
}
MAX_TEXT = 5000
PSEUDONYM_RE = re.compile(r"^[\w][\w .'’-]{0,38}[\w.]?$")


class ModelError(ValueError):
    """A value cannot be accepted; the message is plain French (an N_ Message: `str(exc)` keeps it
    one, so a page that shows it translates it)."""

    def __str__(self) -> str:
        return self.args[0] if len(self.args) == 1 and isinstance(self.args[0], str) else super().__str__()


def new_id(prefix: str) -> str:
    """A random id that says nothing about the person ("c-3f9a0b1c2d4e")."""
    import secrets

    return f"{prefix}-{secrets.token_hex(6)}"


def check_pseudonym(raw: str) -> str:
    """A pseudonym of 1 to 40 letters, digits, spaces, dots, dashes or apostrophes."""
    pseudonym = " ".join((raw or "").split())
    if not pseudonym:
        raise ModelError(N_("Écrivez un pseudonyme."))
    if len(pseudonym) > 40:
        raise ModelError(N_("Le pseudonyme est trop long : 40 lettres au plus."))
    if "@" in pseudonym or not PSEUDONYM_RE.match(pseudonym):
        raise ModelError(N_("Le pseudonyme peut avoir des lettres, des chiffres, des espaces et des tirets."))
    return pseudonym


def clean_text(raw: str, limit: int = MAX_TEXT) -> str:
    """Text as typed, with Windows line ends fixed and a length cap."""
    text = (raw or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ModelError(N_("Le texte est trop long : %(limit)d caractères au plus.", limit=limit))
    return text


def known_fields(cls: type, raw: dict) -> dict:
    """The items of `raw` that are fields of the dataclass `cls` (unknown keys are ignored)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in raw.items() if k in names}


class JsonDocument:
    """A dataclass stored as one JSON revision in a versioned store."""

    def to_json(self) -> str:
        """Readable JSON (sorted keys, one field a line) so revisions diff well."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Parse a stored revision (unknown keys are ignored)."""
        return cls(**known_fields(cls, json.loads(text)))


@dataclass
class Consent:
    """Who agreed, with which mediator, when, to what scope; image rights for photos of people."""

    given: bool = False
    scope: str = ""                  # reseau | public
    people: bool | None = None       # photo shows people
    image_rights: bool = False       # they agreed to be shown
    mediator: str = ""
    date: float = 0.0
    withdrawn: float = 0.0


@dataclass
class Contribution(JsonDocument):
    """One photo, voice, video, text or opinion of a participant."""

    id: str
    kind: str
    participant: str                 # participant id (never the pseudonym)
    workshop: str = ""
    mediator: str = ""
    created: float = field(default_factory=time.time)
    text: str = ""
    rating: int | None = None
    link: str = "aucun"              # structure | activite | parcours | aucun
    structure: str = ""              # structure slug
    activity: str = ""
    media: dict | None = None
    alt: str = ""
    transcript: str = ""
    consent: Consent = field(default_factory=Consent)
    status: str = "brouillon"
    reason: str = ""                 # refusal or withdrawal reason, for the mediator
    published: float = 0.0
    proposed: float = 0.0
    done: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, text: str) -> Contribution:
        """Parse a stored revision (unknown keys are ignored, the consent made a Consent)."""
        raw = json.loads(text)
        data = known_fields(cls, raw)
        data["consent"] = Consent(**known_fields(Consent, raw.get("consent") or {}))
        return cls(**data)

    @property
    def steps(self) -> tuple[str, ...]:
        """The participant's screens for this kind."""
        return STEPS[self.kind]

    def next_step(self, after: str | None = None) -> str:
        """The step after `after`, or the first step not done yet."""
        steps = self.steps
        if after in steps and steps.index(after) + 1 < len(steps):
            return steps[steps.index(after) + 1]
        for step in steps:
            if step not in self.done:
                return step
        return "envoi"

    def previous_step(self, step: str) -> str | None:
        """The step before, for the « Retour » link."""
        steps = self.steps
        return steps[steps.index(step) - 1] if step in steps and steps.index(step) > 0 else None

    @property
    def media_category(self) -> str:
        """image, audio, video or "" without media."""
        return (self.media or {}).get("category", "")

    @property
    def media_state(self) -> str:
        """A video's web version: "pending", "failed", or "" when ready (or not a video)."""
        state = (self.media or {}).get("state", "")
        return state if state in ("pending", "failed") else ""

    @property
    def is_public(self) -> bool:
        """Readable by anonymous visitors: published, with a public consent."""
        return self.status == "publie" and self.consent.given and self.consent.scope == "public" \
            and not self.consent.withdrawn

    @property
    def is_visible_to_members(self) -> bool:
        """Readable by members: published (network or public scope)."""
        return self.status == "publie" and self.consent.given and not self.consent.withdrawn

    def title(self) -> str:
        """A short title for lists, feeds and search."""
        label = KIND_LABELS[self.kind]
        words = " ".join(self.text.split())
        if words:
            return N_("%(kind)s : %(words)s", kind=label, words=f"{words[:60]}{'…' if len(words) > 60 else ''}")
        return label

    def missing_for_submission(self) -> list[str]:
        """What the participant still has to give before sending."""
        problems = []
        if self.kind in ("photo", "voix", "video") and (not self.media or self.media_state == "failed"):
            problems.append("media")
        if self.kind == "texte" and not self.text:
            problems.append("texte")
        if self.kind == "avis" and not (self.text or self.media):
            problems.append("parole")
        if self.link in ("structure", "activite") and not self.structure:
            problems.append("lieu")
        if not self.consent.given or self.consent.scope not in SCOPES:
            problems.append("accord")
        return problems

    def publication_problems(self) -> dict[str, str]:
        """Why this cannot be published yet: field -> French message (empty when ready)."""
        problems = {}
        if not self.consent.given or self.consent.scope not in SCOPES or self.consent.withdrawn:
            problems["consent"] = N_("Le consentement de la personne n'est pas enregistré.")
        if self.kind == "photo" and self.consent.people and not self.consent.image_rights:
            problems["consent"] = N_("Des personnes sont sur la photo et leur accord (droit à l'image) "
                                     "n'est pas confirmé.")
        public = self.consent.scope == "public"
        if public and self.media_category == "image" and not self.alt.strip():
            problems["alt"] = N_("Décrivez la photo en quelques mots (texte de remplacement) avant de la publier.")
        if public and self.media_category in ("audio", "video") and not self.transcript.strip():
            problems["transcript"] = N_("Écrivez la transcription de l'enregistrement avant de le publier.")
        if not (self.text or self.media):
            problems["text"] = N_("La contribution est vide.")
        # A video is published only once its web version exists: never its original (GPS...).
        if self.media_state == "pending":
            problems["media"] = N_("La vidéo est encore en préparation : elle pourra être publiée "
                                   "dans quelques minutes. Rechargez la page plus tard.")
        elif self.media_state == "failed":
            problems["media"] = N_("La vidéo n'a pas pu être préparée : elle ne peut pas être publiée. "
                                   "La personne qui anime l'atelier peut l'envoyer encore.")
        return problems

    def move_to(self, status: str, reason: str = "") -> None:
        """Change status along the allowed transitions (ModelError otherwise)."""
        if status not in TRANSITIONS.get(self.status, set()):
            raise ModelError(N_("Impossible de passer de « %(old)s » à « %(new)s ».",
                                old=STATUS_LABELS[self.status], new=STATUS_LABELS.get(status, status)))
        if status == "publie":
            problems = self.publication_problems()
            if problems:
                raise ModelError(" ".join(problems.values()))
            self.published = time.time()
        if status == "refuse" and not reason.strip():
            raise ModelError(N_("Écrivez la raison du refus : la personne qui anime l'atelier la verra."))
        if status == "propose":
            missing = self.missing_for_submission()
            if missing:
                raise ModelError(N_("Il manque encore quelque chose avant d'envoyer."))
            self.proposed = time.time()
        if status == "retire":
            self.consent.withdrawn = time.time()
        self.reason = reason.strip()[:1000] if status in ("refuse", "retire") else ""
        self.status = status


@dataclass
class Workshop(JsonDocument):
    """A workshop a mediator runs about a place; participants join it by pseudonym."""

    id: str
    title: str
    mediator: str
    place: str = ""            # structure slug, or ""
    place_label: str = ""      # free text when the place has no sheet
    opened: float = field(default_factory=time.time)
    closed: float = 0.0
    participants: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """Whether participants may still contribute in it."""
        return not self.closed


@dataclass
class Participant(JsonDocument):
    """A person without an account, known only by a pseudonym."""

    id: str
    pseudonym: str
    created: float = field(default_factory=time.time)
    created_by: str = ""
    workshops: list[str] = field(default_factory=list)
