"""Open data: published sheets as CSV and as data·inclusion v1 JSON; import of both.

CSV has one row per service (structure columns repeated; a sheet without services has
one row), so the old guide typed in a spreadsheet - one row per place - imports as is.
Cells that a spreadsheet would run as a formula (starting with = + - @) are written with
a leading apostrophe; the importer removes it again, and refuses real formulas.

Import is all-or-nothing: every line is checked first, the report says line by line what
is wrong, and nothing is written while there is an error (or on a dry run). Importing the
same file twice changes nothing the second time. Private fields (pro-only contact,
référents, photos) are never exported, and an import keeps them on existing sheets.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date

from directory import hours as hours_mod
from directory import reference as ref
from directory.sheet import (
    RESERVED_SLUGS,
    Phone,
    Service,
    Sheet,
    SheetError,
    all_sheets,
    to_json,
    validate,
)
from directory.sheet import (
    load as load_sheet,
)
from directory.sheet import (
    save as save_sheet,
)
from i18n import N_, translate
from wiki.names import slugify
from wiki.store import DocumentStore, NotFound

CSV_COLUMNS = (
    "identifiant", "nom", "statut", "type_structure", "presentation", "adresse", "code_postal",
    "commune", "code_insee", "latitude", "longitude", "quartier", "transports", "acces_pmr",
    "animaux", "telephones", "courriel", "site_web", "horaires", "date_maj",
    "service_nom", "service_description", "service_type", "thematiques", "publics",
    "publics_precisions", "acces", "acces_precisions", "documents", "frais", "frais_precisions",
    "langues", "besoins", "service_horaires",
)
REQUIRED_COLUMNS = ("nom",)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-][\d\s.,()/]+$")

# Types of structure -> data·inclusion v1 "réseaux porteurs" (where one clearly applies).
RESEAUX = {
    "CCAS": "ccas-cias", "CIAS": "ccas-cias", "CHRS": "chrs", "CHU": "chu", "CSAPA": "csapa",
    "CAARUD": "caarud", "CMP": "cmp", "CMS": "cms", "CADA": "cada", "CPH": "cph", "HUDA": "huda",
    "MJC": "mjc", "ML": "mission-locale", "SPIP": "spip", "CAF": "caf", "CPAM": "cpam",
    "MDPH": "mdph", "PLIE": "plie", "FT": "france-travail", "RFS": "france-service",
    "RESSOURCERIE": "ressourceries", "PIMMS": "pimms-mediation", "CIDFF": "cidff",
}
DOCS_MARK = "Documents à apporter : "
LANG_MARK = "Langues parlées : "
ACCESS_MARK = "Accès : "


# ---------------------------------------------------------------- CSV export


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _join(values) -> str:
    return ",".join(values)


def _phones_text(phones: tuple[Phone, ...]) -> str:
    return " / ".join(f"{p.label} : {p.number}" if p.label else p.number for p in phones)


def csv_rows(sheet: Sheet) -> list[dict[str, str]]:
    """The CSV rows of one sheet."""
    base = {
        "identifiant": sheet.slug, "nom": sheet.name, "statut": sheet.status,
        "type_structure": sheet.structure_type, "presentation": sheet.presentation,
        "adresse": sheet.address, "code_postal": sheet.postcode, "commune": sheet.town,
        "code_insee": sheet.insee,
        "latitude": "" if sheet.latitude is None else repr(sheet.latitude),
        "longitude": "" if sheet.longitude is None else repr(sheet.longitude),
        "quartier": sheet.neighbourhood, "transports": sheet.transport,
        "acces_pmr": sheet.step_free, "animaux": sheet.animals,
        "telephones": _phones_text(sheet.phones), "courriel": sheet.email,
        "site_web": sheet.website, "horaires": sheet.osm_hours, "date_maj": sheet.updated,
    }
    rows = []
    for s in sheet.services or (None,):
        row = dict.fromkeys(CSV_COLUMNS, "") | base
        if s is not None:
            row |= {
                "service_nom": s.name, "service_description": s.description,
                "service_type": s.type, "thematiques": _join(s.thematiques),
                "publics": _join(s.publics), "publics_precisions": s.publics_details,
                "acces": _join(s.access), "acces_precisions": s.access_details,
                "documents": s.documents, "frais": s.price, "frais_precisions": s.price_details,
                "langues": _join(s.languages), "besoins": _join(s.needs),
                "service_horaires": hours_mod.to_osm(s.hours) if s.hours else "",
            }
        rows.append(row)
    return rows


def to_csv(sheets: list[Sheet]) -> str:
    """CSV text (UTF-8, comma, header line) of the given sheets, formulas neutralised."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for sheet in sheets:
        for row in csv_rows(sheet):
            writer.writerow({k: neutralise(v) for k, v in row.items()})
    return out.getvalue()


# ---------------------------------------------------------------- data·inclusion export


def e164(number: str) -> str:
    """French numbers in E.164 (+33...), others unchanged but for spaces."""
    digits = re.sub(r"[^\d+]", "", number)
    if re.fullmatch(r"0\d{9}", digits):
        return "+33" + digits[1:]
    return digits


def _precisions(*parts: str) -> str | None:
    text = "\n".join(p for p in parts if p)
    return text or None


def _place_and_contact(sheet: Sheet) -> dict:
    """The address, position, phone and email fields a Structure and its Services share."""
    return {
        "adresse": sheet.address or None,
        "complement_adresse": None,
        "code_postal": sheet.postcode or None,
        "code_insee": sheet.insee or None,
        "commune": sheet.town or None,
        "latitude": sheet.latitude,
        "longitude": sheet.longitude,
        "telephone": e164(sheet.phones[0].number) if sheet.phones else None,
        "courriel": sheet.email or None,
    }


def di_structure(sheet: Sheet, source: str, base_url: str = "") -> dict:
    """One data·inclusion v1 Structure."""
    name = sheet.name.rstrip(".").strip() or sheet.name
    description = sheet.presentation if len(sheet.presentation.strip()) >= 5 else None
    reseau = RESEAUX.get(sheet.structure_type)
    return {
        "source": source,
        "id": sheet.slug,
        "nom": name[:150],
        "date_maj": sheet.updated or date.today().isoformat(),
        "description": description[:10000] if description else None,
        **_place_and_contact(sheet),
        "site_web": sheet.website or None,
        "lien_source": f"{base_url}/annuaire/{sheet.slug}" if base_url else None,
        "horaires_accueil": sheet.osm_hours or None,
        "accessibilite_lieu": None,
        "reseaux_porteurs": [reseau] if reseau else None,
        "siret": None,
    }


def _service_ids(sheet: Sheet) -> list[str]:
    ids, seen = [], set()
    for n, s in enumerate(sheet.services):
        sid = f"{sheet.slug}--{slugify(s.name) or n}"
        if sid in seen:
            sid = f"{sid}-{n}"
        seen.add(sid)
        ids.append(sid)
    return ids


def di_service(sheet: Sheet, service: Service, service_id: str, source: str,
               base_url: str = "") -> dict:
    """One data·inclusion v1 Service."""
    description = service.description.strip()
    if len(description) < 5:
        description = f"{service.name} — {sheet.name}"
    access_labels = [ref.ACCESS_MODES[a] for a in service.access if a in ref.ACCESS_MODES]
    modes = []
    if "sans-rdv" in service.access:
        modes.append("se-presenter")
    if ({"rdv", "inscription"} & set(service.access)) and sheet.phones:
        modes.append("telephoner")
    if ({"rdv", "inscription"} & set(service.access)) and sheet.email and not sheet.phones:
        modes.append("envoyer-un-courriel")
    if service.access == ("orientation",):
        by = ["professionnels"]
    else:
        by = ["usagers", "professionnels"] if service.access else None
    price_details = service.price_details
    if service.price == "participation":
        price_details = ref.PRICES["participation"] + (f" : {price_details}" if price_details else "")
    languages = [ref.LANGUAGES[x] for x in service.languages if x in ref.LANGUAGES]
    own = hours_mod.to_osm(service.hours) if service.hours else ""
    return {
        "source": source,
        "structure_id": sheet.slug,
        "id": service_id,
        "nom": (service.name.rstrip(".").strip() or service.name)[:150],
        "description": description[:10000],
        "date_maj": sheet.updated or date.today().isoformat(),
        "type": service.type or None,
        "thematiques": list(service.thematiques) or None,
        "publics": list(service.publics) or None,
        "publics_precisions": _precisions(service.publics_details,
                                          LANG_MARK + ", ".join(languages) if languages else ""),
        "conditions_acces": _precisions(service.access_details,
                                        DOCS_MARK + service.documents if service.documents else ""),
        "frais": {"gratuit": "gratuit", "participation": "payant", "payant": "payant"}.get(service.price),
        "frais_precisions": price_details or None,
        "modes_accueil": ["en-presentiel"],
        "modes_mobilisation": modes or None,
        "mobilisable_par": by,
        "mobilisation_precisions": (ACCESS_MARK + ", ".join(access_labels)) if access_labels else None,
        "lien_mobilisation": None,
        "horaires_accueil": own or sheet.osm_hours or None,
        **_place_and_contact(sheet),
        "contact_nom_prenom": None,
        "lien_source": f"{base_url}/annuaire/{sheet.slug}" if base_url else None,
        "zone_eligibilite": [sheet.insee] if sheet.insee else None,
        "volume_horaire_hebdomadaire": None,
        "nombre_semaines": None,
    }


def to_datainclusion(sheets: list[Sheet], source: str, base_url: str = "") -> dict:
    """{"structures": [...], "services": [...]} in the data·inclusion v1 format."""
    structures, services = [], []
    for sheet in sheets:
        structures.append(di_structure(sheet, source, base_url))
        for service, sid in zip(sheet.services, _service_ids(sheet), strict=True):
            services.append(di_service(sheet, service, sid, source, base_url))
    return {
        "schema": "data·inclusion v1 (https://github.com/gip-inclusion/data-inclusion-schema)",
        "source": source,
        "structures": structures,
        "services": services,
    }


def published(store: DocumentStore) -> list[Sheet]:
    """Published sheets, sorted by name: what the open data exports contain."""
    return [sheet for sheet in all_sheets(store) if sheet.public]


# ---------------------------------------------------------------- import


@dataclass
class ImportLine:
    """What the import does, or cannot do, with one line (CSV) or record (JSON)."""

    line: int
    slug: str
    action: str  # "création", "mise à jour", "inchangée", "erreur"
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The line-by-line report; `ok` when nothing is wrong (then, unless dry run, applied)."""

    lines: list[ImportLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level errors (columns, format)
    applied: bool = False

    @property
    def ok(self) -> bool:
        """No file error and no line error."""
        return not self.errors and all(line.action != "erreur" for line in self.lines)

    def text(self) -> str:
        """The report as plain text, one line per line of the file (French, or the shell's language)."""
        out = [translate(e) for e in self.errors]
        for item in self.lines:
            where = (N_("ligne %(n)d (%(slug)s)", n=item.line, slug=item.slug) if item.slug
                     else N_("ligne %(n)d", n=item.line))
            out.append(translate(N_("%(field)s : %(message)s", field=where, message=item.action))
                       + "".join(f"\n  - {translate(m)}" for m in item.messages))
        counts = {a: sum(1 for x in self.lines if x.action == a)
                  for a in (N_("création"), N_("mise à jour"), N_("inchangée"), N_("erreur"))}
        out.append(translate(N_("Bilan : %(counts)s", counts=", ".join(
            f"{n} {translate(a)}" for a, n in counts.items()))))
        if not self.ok:
            out.append(translate(N_("Rien n'a été importé : corrigez le fichier et recommencez.")))
        elif not self.applied:
            out.append(translate(N_("Essai à blanc : rien n'a été importé.")))
        else:
            out.append(translate(N_("Import terminé.")))
        return "\n".join(out)


FIELD_LABELS = {
    "name": "nom", "presentation": "presentation", "structure_type": "type_structure",
    "address": "adresse", "postcode": "code_postal", "town": "commune", "insee": "code_insee",
    "latitude": "latitude", "longitude": "longitude", "neighbourhood": "quartier",
    "transport": "transports", "step_free": "acces_pmr", "animals": "animaux",
    "email": "courriel", "website": "site_web", "status": "statut", "updated": "date_maj",
}


def _describe(key: str, message: str) -> str:
    if key.startswith("phone-"):
        return N_("téléphones : %(message)s", message=message)
    if key.startswith("hours-"):
        return N_("horaires : %(message)s", message=message)
    if m := re.match(r"svc-(\d+)-(.*)", key):
        return N_("service %(n)d (%(field)s) : %(message)s", n=int(m.group(1)) + 1, field=m.group(2), message=message)
    return N_("%(field)s : %(message)s", field=FIELD_LABELS.get(key, key), message=message)


def _unneutralise(value: str) -> tuple[str, str | None]:
    """Strip the apostrophe our export adds; a real formula is an error."""
    value = value.strip()
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        return value[1:], None
    if value.startswith(("=", "@")) or (value.startswith(("+", "-")) and not _NUMBER_LIKE.match(value)):
        return value, "la cellule commence par « " + value[0] + " » (formule de tableur) : retirez-la"
    return value, None


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in re.split(r"[,;]", value) if v.strip())


def _phones(value: str) -> tuple[Phone, ...]:
    out = []
    for part in value.split("/"):
        part = part.strip()
        if not part:
            continue
        label, sep, number = part.rpartition(":")
        out.append(Phone(number.strip(), label.strip()) if sep else Phone(part, ""))
    return tuple(out)


def _float(value: str, name: str, problems: list[str]) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        problems.append(N_("%(field)s : « %(value)s » n'est pas un nombre", field=name, value=value))
        return None


def _hours(value: str, name: str, problems: list[str]):
    if not value:
        return hours_mod.Hours()
    hours = hours_mod.from_osm(value)
    if hours.raw and hours_mod.validate(hours):
        problems.append(N_("%(field)s : horaires illisibles « %(value)s » (format OpenStreetMap attendu, "
                           "ex. Mo-Fr 09:00-12:00)", field=name, value=value))
    return hours


def parse_csv(text: str) -> tuple[list[tuple[int, Sheet, list[str]]], list[str]]:
    """CSV text -> [(first line number, sheet, problems)], file errors."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # spreadsheets in French often use ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        return [], [N_("Le fichier est vide ou n'a pas de ligne d'en-tête.")]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [h for h in REQUIRED_COLUMNS if h not in header]
    errors = []
    if unknown:
        errors.append(N_("Colonne inconnue : %(unknown)s. Colonnes possibles : %(columns)s.",
                         unknown=", ".join(f"« {h} »" for h in unknown), columns=", ".join(CSV_COLUMNS)))
    if missing:
        errors.append(N_("Colonne obligatoire absente : %(missing)s.",
                         missing=", ".join(f"« {h} »" for h in missing)))
    if errors:
        return [], errors
    reader.fieldnames = header
    sheets: dict[str, tuple[int, Sheet, list[str]]] = {}
    for number, row in enumerate(reader, start=2):
        if None in row:
            errors.append(N_("ligne %(n)d : plus de cellules que de colonnes.", n=number))
            continue
        problems: list[str] = []
        cells: dict[str, str] = {}
        for key in CSV_COLUMNS:
            value, problem = _unneutralise(row.get(key) or "")
            if problem:
                problems.append(N_("%(field)s : %(message)s", field=key, message=problem))
            cells[key] = value
        if not any(cells.values()):
            continue
        slug = cells["identifiant"] or slugify(cells["nom"])
        service = None
        if cells["service_nom"] or cells["service_description"]:
            service = Service(
                name=cells["service_nom"], description=cells["service_description"],
                thematiques=_split(cells["thematiques"]), type=cells["service_type"],
                publics=_split(cells["publics"]), publics_details=cells["publics_precisions"],
                access=_split(cells["acces"]), access_details=cells["acces_precisions"],
                documents=cells["documents"], price=cells["frais"],
                price_details=cells["frais_precisions"],
                hours=_hours(cells["service_horaires"], "service_horaires", problems)
                if cells["service_horaires"] else None,
                languages=_split(cells["langues"]), needs=_split(cells["besoins"]),
            )
        if slug in sheets:
            first, sheet, previous = sheets[slug]
            if service is not None:
                sheet = replace(sheet, services=(*sheet.services, service))
            sheets[slug] = (first, sheet, previous + [f"(ligne {number}) {p}" for p in problems])
            continue
        sheet = Sheet(
            slug=slug, name=cells["nom"], presentation=cells["presentation"],
            structure_type=cells["type_structure"], address=cells["adresse"],
            postcode=cells["code_postal"], town=cells["commune"], insee=cells["code_insee"],
            latitude=_float(cells["latitude"], "latitude", problems),
            longitude=_float(cells["longitude"], "longitude", problems),
            neighbourhood=cells["quartier"], transport=cells["transports"],
            step_free=cells["acces_pmr"] or "inconnu", animals=cells["animaux"] or "inconnu",
            phones=_phones(cells["telephones"]), email=cells["courriel"], website=cells["site_web"],
            hours=_hours(cells["horaires"], "horaires", problems),
            services=(service,) if service else (),
            updated=cells["date_maj"], status=cells["statut"] or "brouillon",
        )
        sheets[slug] = (number, sheet, problems)
    return list(sheets.values()), errors


def _from_marked(text: str | None, mark: str) -> tuple[str, str]:
    """Split "details\\n<mark>value" back into (details, value)."""
    lines = (text or "").split("\n")
    kept, found = [], ""
    for line in lines:
        if line.startswith(mark):
            found = line[len(mark):]
        else:
            kept.append(line)
    return "\n".join(kept).strip(), found.strip()


def parse_datainclusion(text: str) -> tuple[list[tuple[int, Sheet, list[str]]], list[str]]:
    """data·inclusion JSON ({"structures", "services"} or a list of structures) -> sheets."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return [], [N_("Ce fichier n'est pas du JSON lisible : %(error)s.", error=str(exc))]
    if isinstance(data, list):
        data = {"structures": data, "services": []}
    if not isinstance(data, dict) or not isinstance(data.get("structures"), list):
        return [], [N_("Format inattendu : un objet avec « structures » (et « services ») est attendu.")]
    services_by: dict[str, list[dict]] = {}
    for item in data.get("services") or []:
        if isinstance(item, dict):
            services_by.setdefault(str(item.get("structure_id", "")), []).append(item)
    lang_by_label = {v: k for k, v in ref.LANGUAGES.items()}
    access_by_label = {v: k for k, v in ref.ACCESS_MODES.items()}
    out = []
    for number, record in enumerate(data["structures"], start=1):
        problems: list[str] = []
        if not isinstance(record, dict):
            out.append((number, Sheet(slug="", name=""), ["structure illisible"]))
            continue
        sid = str(record.get("id") or "")
        slug = sid if sid and slugify(sid) == sid else slugify(str(record.get("nom") or ""))
        services = []
        for item in services_by.get(sid, []):
            details, languages = _from_marked(item.get("publics_precisions"), LANG_MARK)
            access_details, documents = _from_marked(item.get("conditions_acces"), DOCS_MARK)
            _rest, access_text = _from_marked(item.get("mobilisation_precisions"), ACCESS_MARK)
            access = tuple(access_by_label[x.strip()] for x in access_text.split(",")
                           if x.strip() in access_by_label)
            if not access and "se-presenter" in (item.get("modes_mobilisation") or []):
                access = ("sans-rdv",)
            price = item.get("frais") or ""
            price_details = item.get("frais_precisions") or ""
            if price_details.startswith(ref.PRICES["participation"]):
                price = "participation"
                price_details = price_details[len(ref.PRICES["participation"]):].lstrip(" :")
            own = item.get("horaires_accueil") or ""
            services.append(Service(
                name=str(item.get("nom") or ""), description=str(item.get("description") or ""),
                thematiques=tuple(item.get("thematiques") or ()), type=item.get("type") or "",
                publics=tuple(item.get("publics") or ()), publics_details=details,
                access=access, access_details=access_details, documents=documents,
                price=price, price_details=price_details,
                hours=_hours(own, "horaires du service", problems)
                if own and own != record.get("horaires_accueil") else None,
                languages=tuple(lang_by_label[x.strip()] for x in languages.split(",")
                                if x.strip() in lang_by_label),
            ))
        phone = str(record.get("telephone") or "")
        sheet = Sheet(
            slug=slug, name=str(record.get("nom") or ""),
            presentation=str(record.get("description") or ""),
            address=str(record.get("adresse") or ""), postcode=str(record.get("code_postal") or ""),
            town=str(record.get("commune") or ""), insee=str(record.get("code_insee") or ""),
            latitude=record.get("latitude"), longitude=record.get("longitude"),
            phones=(Phone(_french(phone), ""),) if phone else (),
            email=str(record.get("courriel") or ""), website=str(record.get("site_web") or ""),
            hours=_hours(str(record.get("horaires_accueil") or ""), "horaires_accueil", problems),
            services=tuple(services), updated=str(record.get("date_maj") or ""),
            status="publiee",
        )
        if not isinstance(sheet.latitude, (int, float, type(None))) or \
                not isinstance(sheet.longitude, (int, float, type(None))):
            problems.append(N_("latitude / longitude : nombres attendus"))
            sheet = replace(sheet, latitude=None, longitude=None)
        out.append((number, sheet, problems))
    return out, []


def _french(number: str) -> str:
    """+33298000000 -> 02 98 00 00 00 (as staff type it)."""
    m = re.fullmatch(r"\+33(\d{9})", number.replace(" ", ""))
    if not m:
        return number
    digits = "0" + m.group(1)
    return " ".join(digits[i:i + 2] for i in range(0, 10, 2))


def run_import(store: DocumentStore, parsed: tuple[list[tuple[int, Sheet, list[str]]], list[str]],
               *, author: str, dry_run: bool = False, today: date | None = None) -> ImportReport:
    """Check every sheet, then (no error, not a dry run) write them all."""
    records, file_errors = parsed
    report = ImportReport(errors=list(file_errors))
    plan: list[tuple[Sheet, bool]] = []
    seen: set[str] = set()
    for number, sheet, problems in records:
        line = ImportLine(number, sheet.slug, N_("erreur"), list(problems))
        report.lines.append(line)
        if not sheet.slug:
            line.messages.append(N_("nom : il faut un nom fait d'au moins une lettre ou un chiffre"))
            continue
        if sheet.slug in RESERVED_SLUGS or slugify(sheet.slug) != sheet.slug:
            line.messages.append(N_("identifiant : « %(slug)s » ne convient pas (mots en minuscules "
                                    "sans accents reliés par des tirets, pas un mot réservé)", slug=sheet.slug))
            continue
        if sheet.slug in seen:
            line.messages.append(N_("identifiant : cette structure apparaît deux fois dans le fichier"))
            continue
        seen.add(sheet.slug)
        if not sheet.updated:
            sheet = replace(sheet, updated=(today or date.today()).isoformat())
        exists = store.exists(sheet.slug)
        if exists:
            current, _rev = load_sheet(store, sheet.slug)
            if not _had_date(records, sheet.slug):
                sheet = replace(sheet, updated=current.updated)
            sheet = replace(sheet, pro_contact=current.pro_contact, referents=current.referents,
                            photos=current.photos, example=current.example)
        elif store.current_number(sheet.slug) is not None:
            line.messages.append(N_("identifiant : l'adresse /annuaire/%(slug)s a déjà servi "
                                    "(fiche supprimée) ; choisissez un autre identifiant", slug=sheet.slug))
            continue
        line.messages += [_describe(k, m) for k, m in validate(sheet).items()]
        if line.messages:
            continue
        if exists and to_json(sheet) == to_json(current):
            line.action = N_("inchangée")
            continue
        line.action = N_("mise à jour") if exists else N_("création")
        plan.append((sheet, exists))
    if not report.ok or dry_run:
        return report
    for sheet, exists in plan:
        try:
            if exists:
                save_sheet(store, sheet, author=author, comment="import", confirm=False)
            else:
                _create_with_slug(store, sheet, author)
        except (SheetError, NotFound) as exc:  # checked above; only a concurrent change gets here
            report.errors.append(N_("%(field)s : %(message)s", field=sheet.slug, message=str(exc)))
    report.applied = True
    return report


def _had_date(records, slug: str) -> bool:
    return any(sheet.slug == slug and sheet.updated for _n, sheet, _p in records)


def _create_with_slug(store: DocumentStore, sheet: Sheet, author: str) -> None:
    """Create a sheet under the slug given in the file (identifiant), not one made from the name."""
    errors = validate(sheet)
    if errors:
        raise SheetError(errors)
    store.save(sheet.slug, to_json(sheet), author=author, comment="import",
               meta={"status": sheet.status, "name": sheet.name}, action="SAVENEW")


def import_file(store: DocumentStore, filename: str, data: bytes, *, author: str,
                dry_run: bool = False, today: date | None = None) -> ImportReport:
    """Import a .csv or .json file (by extension, else by content)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return ImportReport(errors=["Le fichier n'est pas un texte lisible (UTF-8 attendu)."])
    is_json = filename.lower().endswith(".json") or text.lstrip().startswith(("{", "["))
    parsed = parse_datainclusion(text) if is_json else parse_csv(text)
    return run_import(store, parsed, author=author, dry_run=dry_run, today=today)
