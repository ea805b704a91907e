"""The structure sheet ("fiche"): dataclasses, validation with French messages, JSON text.

A sheet is a versioned document of its own DocumentStore (DATA_DIR/structures), keyed by
its slug. The slug comes from the name when the sheet is created and never changes, so
links and printed guides keep working when a structure is renamed. The revision text is
the sheet as indented JSON (one field per line), so history and diffs stay readable.

No Flask here.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from urllib.parse import urlsplit

from directory import hours as hours_mod
from directory import reference as ref
from directory.hours import Hours
from i18n import N_
from wiki.names import slugify
from wiki.store import DocumentStore, NotFound, Revision

STATUSES = {"brouillon": ref.N_("En cours de rédaction"), "publiee": ref.N_("Publiée"),
            "archivee": ref.N_("Archivée")}
MAX_PHONES = 6
MAX_SERVICES = 30
MAX_PHOTOS = 8
FORMAT_VERSION = 1
RESERVED_SLUGS = frozenset({"guide", "suivi", "nouvelle", "export", "import", "carte", "static"})

# Metropolitan France and Corsica, then the overseas departments (south, west, north, east).
FRANCE_BOXES = (
    (41.3, -5.6, 51.2, 9.7),
    (15.8, -61.9, 16.6, -60.9),   # Guadeloupe
    (14.3, -61.3, 14.9, -60.8),   # Martinique
    (2.1, -54.7, 5.8, -51.6),     # Guyane
    (-21.4, 55.2, -20.8, 55.9),   # La Réunion
    (-13.1, 44.9, -12.6, 45.4),   # Mayotte
)

_PHONE_CHARS = re.compile(r"^\+?[\d\s.\-()/]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_POSTCODE = re.compile(r"^\d{5}$")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class StaleSheet(Exception):
    """Someone saved the sheet since the form was opened: nothing was written."""

    def __init__(self, current: int):
        super().__init__(f"sheet changed, now at revision {current}")
        self.current = current


class SheetError(ValueError):
    """A sheet cannot be saved; `errors` maps form fields to French messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Phone:
    """A phone number with what it is for ("accueil", "urgence"...)."""

    number: str
    label: str = ""


@dataclass(frozen=True)
class Photo:
    """A processed photo of the premises or a logo, stored under DATA_DIR/media/structures."""

    id: str
    ext: str
    alt: str = ""
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class Service:
    """One service or activity of a structure (a data·inclusion Service on export)."""

    name: str
    description: str = ""
    thematiques: tuple[str, ...] = ()
    type: str = ""
    publics: tuple[str, ...] = ()
    publics_details: str = ""
    access: tuple[str, ...] = ()
    access_details: str = ""
    documents: str = ""
    price: str = ""
    price_details: str = ""
    hours: Hours | None = None  # own hours when they differ from the structure's
    languages: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()  # plain needs without a thématique (se laver...)


@dataclass(frozen=True)
class Sheet:
    """Everything the directory knows about one structure."""

    slug: str
    name: str
    presentation: str = ""
    structure_type: str = ""
    address: str = ""
    postcode: str = ""
    town: str = "Brest"
    insee: str = ""
    latitude: float | None = None
    longitude: float | None = None
    neighbourhood: str = ""
    transport: str = ""
    step_free: str = "inconnu"
    animals: str = "inconnu"
    phones: tuple[Phone, ...] = ()
    email: str = ""
    website: str = ""
    pro_contact: str = ""
    hours: Hours = field(default_factory=Hours)
    services: tuple[Service, ...] = ()
    photos: tuple[Photo, ...] = ()
    updated: str = ""  # ISO date of the last confirmed update
    status: str = "brouillon"
    referents: tuple[str, ...] = ()
    example: bool = False  # demo data: labelled "exemple — à vérifier"

    # -- derived values

    @property
    def public(self) -> bool:
        """Only published sheets are shown to anonymous readers and exported."""
        return self.status == "publiee"

    @cached_property  # sheets are immutable and kept in memory by all_sheets
    def osm_hours(self) -> str:
        """The structure's hours in OSM opening_hours syntax ("" when unknown)."""
        return hours_mod.to_osm(self.hours)

    @cached_property
    def all_osm_hours(self) -> tuple[str, ...]:
        """The structure's hours and each service's own hours, in OSM syntax (non-empty ones)."""
        found = [self.osm_hours] + [hours_mod.to_osm(s.hours) for s in self.services if s.hours]
        return tuple(osm for osm in found if osm)

    def updated_date(self) -> date | None:
        """The date of the last confirmed update."""
        try:
            return date.fromisoformat(self.updated)
        except ValueError:
            return None

    def is_stale(self, today: date, days: int) -> bool:
        """Untouched for `days` days (or never dated): members see "à vérifier"."""
        updated = self.updated_date()
        return updated is None or today - updated > timedelta(days=days)

    def all_thematiques(self) -> list[str]:
        """Thématiques of all services, without repeats, in order."""
        return list(dict.fromkeys(t for s in self.services for t in s.thematiques))

    def all_publics(self) -> list[str]:
        """Publics of all services, without repeats."""
        return list(dict.fromkeys(p for s in self.services for p in s.publics))

    def all_languages(self) -> list[str]:
        """Languages spoken in any service."""
        return list(dict.fromkeys(lang for s in self.services for lang in s.languages))

    def categories(self) -> list[str]:
        """data·inclusion categories covered by the services."""
        return list(dict.fromkeys(t.split("--", 1)[0] for t in self.all_thematiques()))

    def maps_url(self) -> str:
        """OpenStreetMap directions to the place ("itinéraire")."""
        if self.latitude is not None and self.longitude is not None:
            return (f"https://www.openstreetmap.org/directions?to={self.latitude}%2C{self.longitude}"
                    f"#map=17/{self.latitude}/{self.longitude}")
        from urllib.parse import quote
        where = ", ".join(x for x in (self.address, self.postcode, self.town) if x)
        return f"https://www.openstreetmap.org/search?query={quote(where)}"


# ---------------------------------------------------------------- JSON text


def _hours_dict(hours: Hours | None) -> dict | None:
    return hours.to_dict() if hours is not None else None


def to_dict(sheet: Sheet) -> dict:
    """Plain data of a sheet (the slug is the document's name, kept for convenience)."""
    data = asdict(sheet)
    data["hours"] = sheet.hours.to_dict()
    data["services"] = [{**asdict(s), "hours": _hours_dict(s.hours)} for s in sheet.services]
    return {"format": FORMAT_VERSION, **data}


def to_json(sheet: Sheet) -> str:
    """The revision text: indented JSON, one field per line, stable key order."""
    return json.dumps(to_dict(sheet), ensure_ascii=False, indent=1) + "\n"


def _strs(values) -> tuple[str, ...]:
    return hours_mod.shared(tuple(sys.intern(str(v)) for v in values or ()))


def _code(value) -> str:
    """A short value repeated across sheets (type, town, status...): one shared string."""
    return sys.intern(str(value))


def from_dict(data: dict) -> Sheet:
    """Build a Sheet from plain data (unknown keys are ignored)."""
    services = []
    for s in data.get("services") or ():
        services.append(Service(
            name=str(s.get("name", "")), description=str(s.get("description", "")),
            thematiques=_strs(s.get("thematiques")), type=_code(s.get("type", "")),
            publics=_strs(s.get("publics")), publics_details=str(s.get("publics_details", "")),
            access=_strs(s.get("access")), access_details=str(s.get("access_details", "")),
            documents=str(s.get("documents", "")), price=_code(s.get("price", "")),
            price_details=str(s.get("price_details", "")),
            hours=Hours.from_dict(s["hours"]) if s.get("hours") else None,
            languages=_strs(s.get("languages")), needs=_strs(s.get("needs")),
        ))
    return Sheet(
        slug=str(data.get("slug", "")), name=str(data.get("name", "")),
        presentation=str(data.get("presentation", "")),
        structure_type=_code(data.get("structure_type", "")),
        address=str(data.get("address", "")), postcode=_code(data.get("postcode", "")),
        town=_code(data.get("town", "")), insee=_code(data.get("insee", "")),
        latitude=_float_or_none(data.get("latitude")), longitude=_float_or_none(data.get("longitude")),
        neighbourhood=_code(data.get("neighbourhood", "")), transport=str(data.get("transport", "")),
        step_free=_code(data.get("step_free", "inconnu")), animals=_code(data.get("animals", "inconnu")),
        phones=tuple(Phone(str(p.get("number", "")), str(p.get("label", "")))
                     for p in data.get("phones") or ()),
        email=str(data.get("email", "")), website=str(data.get("website", "")),
        pro_contact=str(data.get("pro_contact", "")),
        hours=Hours.from_dict(data.get("hours")),
        services=tuple(services),
        photos=tuple(Photo(str(p.get("id", "")), str(p.get("ext", "")), str(p.get("alt", "")),
                           int(p.get("width") or 0), int(p.get("height") or 0))
                     for p in data.get("photos") or ()),
        updated=_code(data.get("updated", "")), status=_code(data.get("status", "brouillon")),
        referents=_strs(data.get("referents")), example=bool(data.get("example", False)),
    )


def from_json(text: str) -> Sheet:
    """Read a revision text."""
    return from_dict(json.loads(text))


def _float_or_none(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- validation


def phone_problem(number: str) -> str | None:
    """Why a phone number is not one, in French (None when it looks right)."""
    if not _PHONE_CHARS.match(number):
        return N_("Le numéro ne doit contenir que des chiffres, espaces, points ou « + » (ex. 02 98 00 00 00).")
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+"):
        if not 8 <= len(digits) <= 15:
            return N_("Numéro international incomplet (ex. +33 2 98 00 00 00).")
    elif len(digits) not in (4, 10):  # 4: short numbers like 3919; 10: French numbers
        return N_("Un numéro français a 10 chiffres (ex. 02 98 00 00 00), ou 4 pour un numéro court.")
    return None


def email_problem(email: str) -> str | None:
    """Why an e-mail address is not one."""
    if "@" not in email:
        return N_("L'adresse e-mail doit contenir « @ » (ex. accueil@exemple.fr).")
    if not _EMAIL.match(email) or len(email) > 254:
        return N_("Cette adresse e-mail n'est pas valide (ex. accueil@exemple.fr).")
    return None


def url_problem(url: str) -> str | None:
    """Why a web address is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in url:
        return N_("Adresse de site invalide : elle commence par https:// (ex. https://exemple.fr).")
    if len(url) > 2000:
        return N_("Adresse de site trop longue.")
    return None


def in_france(lat: float, lon: float) -> bool:
    """Whether a point lies in France (metropolitan, Corsica or an overseas department)."""
    return any(s <= lat <= n and w <= lon <= e for s, w, n, e in FRANCE_BOXES)


def _length(errors, key, value, label, maximum, minimum=0):
    if minimum and len(value.strip()) < minimum:
        errors[key] = N_("%(label)s : au moins %(n)d caractères.", label=label, n=minimum)
    elif len(value) > maximum:
        errors[key] = N_("%(label)s : au plus %(n)d caractères.", label=label, n=maximum)


def validate(sheet: Sheet) -> dict[str, str]:
    """French messages keyed by form field name; empty when the sheet can be saved."""
    errors: dict[str, str] = {}
    if not sheet.name.strip():
        errors["name"] = N_("Le nom de la structure est obligatoire.")
    else:
        _length(errors, "name", sheet.name, N_("Le nom"), 150, 3)
        if "name" not in errors and not slugify(sheet.name):
            errors["name"] = N_("Le nom doit contenir au moins une lettre ou un chiffre.")
    _length(errors, "presentation", sheet.presentation, N_("La présentation"), 10000)
    if sheet.structure_type and sheet.structure_type not in ref.structure_types():
        errors["structure_type"] = N_("Choisissez un type de structure dans la liste.")
    for key, value, maximum in (("address", sheet.address, 300), ("town", sheet.town, 100),
                                ("neighbourhood", sheet.neighbourhood, 100),
                                ("transport", sheet.transport, 1000),
                                ("pro_contact", sheet.pro_contact, 1000)):
        _length(errors, key, value, N_("Ce champ"), maximum)
    if sheet.postcode and not _POSTCODE.match(sheet.postcode):
        errors["postcode"] = N_("Le code postal a 5 chiffres (ex. 29200).")
    if sheet.insee and not _INSEE.match(sheet.insee):
        errors["insee"] = N_("Le code INSEE a 5 caractères (ex. 29019 pour Brest).")
    if (sheet.latitude is None) != (sheet.longitude is None):
        errors["latitude"] = N_("Indiquez la latitude et la longitude, ou aucune des deux.")
    elif sheet.latitude is not None and sheet.longitude is not None:
        if not (-90 <= sheet.latitude <= 90 and -180 <= sheet.longitude <= 180):
            errors["latitude"] = N_("Coordonnées impossibles : latitude entre -90 et 90, longitude entre -180 et 180.")
        elif not in_france(sheet.latitude, sheet.longitude):
            errors["latitude"] = (N_("Ces coordonnées sont hors de France. Vérifiez l'ordre "
                                  "(latitude puis longitude ; Brest : 48.39, -4.49) ou cliquez sur la carte."))
    for key, value in (("step_free", sheet.step_free), ("animals", sheet.animals)):
        if value not in ref.YES_NO_UNKNOWN:
            errors[key] = N_("Choisissez oui, non ou non renseigné.")
    if len(sheet.phones) > MAX_PHONES:
        errors["phones"] = N_("Au plus %(n)d numéros.", n=MAX_PHONES)
    for i, phone in enumerate(sheet.phones):
        problem = phone_problem(phone.number)
        if problem:
            errors[f"phone-{i}-number"] = problem
        elif len(phone.label) > 60:
            errors[f"phone-{i}-label"] = N_("Le libellé : au plus 60 caractères.")
    if sheet.email and (problem := email_problem(sheet.email)):
        errors["email"] = problem
    if sheet.website and (problem := url_problem(sheet.website)):
        errors["website"] = problem
    for key, message in hours_mod.validate(sheet.hours).items():
        errors[f"hours-{key}"] = message
    if len(sheet.services) > MAX_SERVICES:
        errors["services"] = N_("Au plus %(n)d services par fiche.", n=MAX_SERVICES)
    for n, service in enumerate(sheet.services):
        errors.update(validate_service(service, f"svc-{n}-"))
    if len(sheet.photos) > MAX_PHOTOS:
        errors["photos"] = N_("Au plus %(n)d photos.", n=MAX_PHOTOS)
    for i, photo in enumerate(sheet.photos):
        if not re.fullmatch(r"[a-z0-9]{8,40}", photo.id) or photo.ext not in ("jpg", "png"):
            errors[f"photo-{i}"] = N_("Photo inconnue.")
        elif len(photo.alt) > 200:
            errors[f"photo-{i}-alt"] = N_("La description de la photo : au plus 200 caractères.")
    if sheet.updated and sheet.updated_date() is None:
        errors["updated"] = N_("Date de mise à jour invalide.")
    if sheet.status not in STATUSES:
        errors["status"] = N_("Choisissez un statut : en cours de rédaction, publiée ou archivée.")
    for who in sheet.referents:
        if not _USERNAME.match(who):
            errors["referents"] = N_("« %(who)s » n'est pas un identifiant de membre.", who=who)
    return errors


def validate_service(service: Service, prefix: str) -> dict[str, str]:
    """Errors of one service, keys prefixed with "svc-<n>-"."""
    errors: dict[str, str] = {}
    if not service.name.strip():
        errors[prefix + "name"] = N_("Le nom du service est obligatoire.")
    else:
        _length(errors, prefix + "name", service.name, N_("Le nom du service"), 150, 3)
    if service.description.strip():
        _length(errors, prefix + "description", service.description, N_("La description"), 10000, 5)
    them = ref.thematiques()
    if bad := [t for t in service.thematiques if t not in them]:
        errors[prefix + "thematiques"] = N_("Thématique inconnue : %(values)s.", values=", ".join(bad))
    if service.type and service.type not in ref.service_types():
        errors[prefix + "type"] = N_("Choisissez un type de service dans la liste.")
    pubs = ref.publics()
    if bad := [p for p in service.publics if p not in pubs]:
        errors[prefix + "publics"] = N_("Public inconnu : %(values)s.", values=", ".join(bad))
    elif "tous-publics" in service.publics and len(service.publics) > 1:
        errors[prefix + "publics"] = (N_("« Tous publics » (accueil inconditionnel) ne se combine pas "
                                      "avec d'autres publics : décochez les autres."))
    if bad := [a for a in service.access if a not in ref.ACCESS_MODES]:
        errors[prefix + "access"] = N_("Mode d'accès inconnu : %(values)s.", values=", ".join(bad))
    if service.price and service.price not in ref.PRICES:
        errors[prefix + "price"] = N_("Choisissez gratuit, participation ou payant.")
    if bad := [lang for lang in service.languages if lang not in ref.LANGUAGES]:
        errors[prefix + "languages"] = N_("Langue inconnue : %(values)s.", values=", ".join(bad))
    if bad := [n for n in service.needs if n not in ref.local_needs()]:
        errors[prefix + "needs"] = N_("Besoin inconnu : %(values)s.", values=", ".join(bad))
    for key, value in (("publics_details", service.publics_details),
                       ("access_details", service.access_details),
                       ("documents", service.documents), ("price_details", service.price_details)):
        _length(errors, prefix + key, value, N_("Ce champ"), 2000)
    if service.hours is not None:
        for key, message in hours_mod.validate(service.hours).items():
            errors[f"{prefix}hours-{key}"] = message
    return errors


# ---------------------------------------------------------------- the store


def load(store: DocumentStore, slug: str, rev: int | None = None) -> tuple[Sheet, Revision]:
    """A sheet and its revision (NotFound when missing, deleted or unreadable)."""
    revision = store.load(slug, rev)
    return _parsed(store, slug, revision), revision


def _parsed(store: DocumentStore, slug: str, revision: Revision) -> Sheet:
    """The sheet of a revision, parsed once per process (revisions are immutable)."""
    cache = store.__dict__.setdefault("_sheets", {})
    sheet = cache.get((slug, revision.number))
    if sheet is None:
        try:
            sheet = replace(from_json(revision.text), slug=slug)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise NotFound(f"{slug}: unreadable sheet") from exc
        if len(cache) > 4096:
            cache.clear()
        cache[(slug, revision.number)] = sheet
    return sheet


# In-process cache of all_sheets: the sorted list, valid while the store's edit-log and
# folder list are unchanged (each parsed sheet is kept by _parsed).
_ALL: dict[str, tuple[tuple, list[Sheet]]] = {}


def _store_stamp(store: DocumentStore) -> tuple | None:
    """Changes whenever a document of the store is saved, created, renamed or deleted."""
    try:
        log, folder = os.stat(store.root / "edit-log"), os.stat(store.root)
    except FileNotFoundError:
        return None
    return (log.st_ino, log.st_mtime_ns, log.st_size, folder.st_mtime_ns)


def all_sheets(store: DocumentStore) -> list[Sheet]:
    """Every readable sheet, sorted by name (case and accents folded).

    Lists and filters call this on every request: the result is kept in memory until
    the store changes (two stats), and only changed sheets are parsed again. Only the
    parsed sheets are kept, not their revision texts: every worker holds its own copy.
    """
    root = str(store.root)
    stamp = _store_stamp(store)
    cached = _ALL.get(root)
    if stamp is not None and cached is not None and cached[0] == stamp:
        return list(cached[1])
    out = []
    known = store.__dict__.get("_sheets", {})
    for slug in store.names():
        number = store.current_number(slug)
        sheet = known.get((slug, number))
        if sheet is None:
            try:
                sheet = _parsed(store, slug, store.load(slug, number, cache=False))
            except NotFound:
                continue
        out.append(sheet)
    out.sort(key=lambda sheet: fold(sheet.name))
    if stamp is not None:
        _ALL[root] = (stamp, out)
    return list(out)


def fold(text: str) -> str:
    """Lowercase ASCII form of a text, for sorting and accent-insensitive matching."""
    import unicodedata
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()


def new_slug(store: DocumentStore, name: str) -> str:
    """The slug of a new sheet; SheetError when the name makes no slug or the slug is taken."""
    slug = slugify(name)
    if not slug:
        raise SheetError({"name": N_("Le nom doit contenir au moins une lettre ou un chiffre.")})
    if slug in RESERVED_SLUGS:
        raise SheetError({"name": N_("« %(slug)s » est un mot réservé de l'annuaire : précisez le nom.", slug=slug)})
    if store.current_number(slug) is not None:
        raise SheetError({"name": N_("Une fiche a déjà l'adresse /annuaire/%(slug)s : précisez le nom "
                                     "(par exemple avec le quartier), ou modifiez la fiche existante.", slug=slug)})
    return slug


def save(store: DocumentStore, sheet: Sheet, *, author: str, comment: str = "",
         base_rev: int | None = None, create: bool = False, today: date | None = None,
         confirm: bool = True) -> Revision:
    """Validate and save a sheet; nothing is written when it is invalid (SheetError).

    create=True allocates the slug from the name (duplicate -> SheetError). confirm=True
    records today as the date of the last confirmed update.
    """
    if create:
        errors = validate(sheet)
        if errors:
            raise SheetError(errors)
        sheet = replace(sheet, slug=new_slug(store, sheet.name))
    elif not store.exists(sheet.slug):
        raise NotFound(sheet.slug)
    if confirm:
        sheet = replace(sheet, updated=(today or date.today()).isoformat())
    errors = validate(sheet)
    if errors:
        raise SheetError(errors)
    meta = {"status": sheet.status, "name": sheet.name}
    if create:
        return store.save(sheet.slug, to_json(sheet), author=author, comment=comment, meta=meta,
                          base_rev=0, action="SAVENEW")
    previous = store.load(sheet.slug)
    if base_rev is not None and base_rev != previous.number:
        # JSON must not be merged line by line: the person sees the newer version instead.
        raise StaleSheet(previous.number)
    reviewed = previous.meta.get("reviewed", 0)
    meta["reviewed"] = previous.number + 1 if author in sheet.referents else reviewed
    return store.save(sheet.slug, to_json(sheet), author=author, comment=comment, meta=meta)


def pending_review(store: DocumentStore, slug: str, referents: tuple[str, ...]) -> list[Revision]:
    """Revisions since the last review that were made by someone who is not a référent."""
    revisions = store.revisions(slug)
    if not revisions:
        return []
    reviewed = int(revisions[-1].meta.get("reviewed", 0) or 0)
    return [r for r in revisions if r.number > reviewed and r.author not in referents
            and r.comment != REVIEW_COMMENT]


REVIEW_COMMENT = "modifications vérifiées"


def mark_reviewed(store: DocumentStore, slug: str, *, author: str) -> Revision:
    """A référent has looked at the changes: record it (a revision with the same text)."""
    current = store.load(slug)
    meta = {**current.meta, "reviewed": current.number + 1}
    return store.save(slug, current.text, author=author, comment=REVIEW_COMMENT, meta=meta)
