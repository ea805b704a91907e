"""The /annuaire/ filters: parsed from GET parameters, applied to sheets (pure, `now` passed in).

Parameters (a bookmarkable GET form, also accepted by /annuaire/guide): q, besoin (a
plain-word need such as `se-laver` or a data·inclusion category such as `sante`), public,
ouvert (maintenant | aujourdhui | weekend), sans_rdv=1, gratuit=1, accessible=1, langue,
quartier. Service-level filters (besoin, public, sans_rdv, gratuit, langue) must all hold
for one same service: "se laver" + "gratuit" finds a free shower, not a free meal next to
a paying shower.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime

from directory import hours as hours_mod
from directory import reference as ref
from directory.sheet import Service, Sheet, fold
from i18n import N_
from wiki.names import slugify

OPEN_CHOICES = {"maintenant": ref.N_("Ouvert maintenant"), "aujourdhui": ref.N_("Ouvert aujourd'hui"),
                "weekend": ref.N_("Ouvert ce week-end")}


@dataclass(frozen=True)
class Filters:
    """The filters of one request; unknown values are dropped (and reported in `ignored`)."""

    q: str = ""
    besoin: str = ""
    public: str = ""
    ouvert: str = ""
    sans_rdv: bool = False
    gratuit: bool = False
    accessible: bool = False
    langue: str = ""
    quartier: str = ""
    ignored: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read request.args; bad values are ignored, never an error page."""
        ignored = []

        def choice(key: str, allowed) -> str:
            value = (args.get(key) or "").strip()
            if value and value not in allowed:
                ignored.append(key)
                return ""
            return value

        besoins = set(ref.needs()) | set(ref.categories())
        return cls(
            q=" ".join((args.get("q") or "").split())[:200],
            besoin=choice("besoin", besoins),
            public=choice("public", ref.publics()),
            ouvert=choice("ouvert", OPEN_CHOICES),
            sans_rdv=args.get("sans_rdv") == "1",
            gratuit=args.get("gratuit") == "1",
            accessible=args.get("accessible") == "1",
            langue=choice("langue", ref.LANGUAGES),
            quartier=" ".join((args.get("quartier") or "").split())[:100],
            ignored=tuple(ignored),
        )

    def active(self) -> bool:
        """Whether any filter is set."""
        return any(getattr(self, f.name) for f in fields(self) if f.name != "ignored")

    def args(self, **changes) -> dict[str, str]:
        """The GET parameters for these filters (with changes), for links such as "widen"."""
        out = {}
        for f in fields(self):
            if f.name == "ignored":
                continue
            value = changes.get(f.name, getattr(self, f.name))
            if value is True:
                out[f.name] = "1"
            elif value:
                out[f.name] = str(value)
        return out

    def service_level(self) -> bool:
        """Whether a filter applies to services."""
        return bool(self.besoin or self.public or self.sans_rdv or self.gratuit or self.langue)


def service_matches(service: Service, f: Filters) -> bool:
    """All service-level filters hold for this service."""
    if f.besoin and not ref.matches_need(f.besoin, list(service.thematiques), list(service.needs)):
        return False
    if f.public and f.public not in service.publics and "tous-publics" not in service.publics:
        return False
    if f.sans_rdv and "sans-rdv" not in service.access:
        return False
    if f.gratuit and service.price != "gratuit":
        return False
    return not (f.langue and f.langue not in service.languages)


def _open_matches(sheet: Sheet, when: str, now: datetime, memo: dict[str, bool] | None = None) -> bool:
    """Open at that time; memo keeps each distinct OSM string's answer for one request."""
    test = {"maintenant": hours_mod.is_open, "aujourdhui": hours_mod.open_today,
            "weekend": hours_mod.open_weekend}[when]
    memo = {} if memo is None else memo
    for osm in sheet.all_osm_hours:
        if osm not in memo:
            memo[osm] = test(osm, now)
        if memo[osm]:
            return True
    return False


def search_text(sheet: Sheet, member: bool = False) -> str:
    """What the text search looks at (the pro-only line for members only)."""
    them, pubs = ref.thematiques(), ref.publics()
    parts = [sheet.name, sheet.presentation, sheet.neighbourhood, sheet.address, sheet.town,
             ref.structure_types().get(sheet.structure_type, "")]
    for s in sheet.services:
        parts += [s.name, s.description, s.publics_details, s.access_details]
        parts += [them.get(t, t) for t in s.thematiques] + [pubs.get(p, p) for p in s.publics]
        parts += [ref.needs()[n].label for n in s.needs if n in ref.needs()]
    if member:
        parts.append(sheet.pro_contact)
    return "\n".join(p for p in parts if p)


def text_matches(sheet: Sheet, q: str, member: bool = False) -> bool:
    """Fallback search: every word of q appears in the sheet (accents and case ignored)."""
    haystack = fold(search_text(sheet, member))
    return all(word in haystack for word in fold(q).split())


def apply(sheets: Iterable[Sheet], f: Filters, now: datetime, *, member: bool = False,
          ranked: Callable[[str], list[str] | None] | None = None) -> list[Sheet]:
    """Sheets passing every filter; with `ranked` (slugs by relevance from the search index)
    the order of the index is kept, otherwise the given order (alphabetical)."""
    order: dict[str, int] | None = None
    if f.q and ranked is not None:
        slugs = ranked(f.q)
        if slugs is not None:
            order = {slug: i for i, slug in enumerate(slugs)}
    out = []
    open_memo: dict[str, bool] = {}  # many places share the same hours
    for sheet in sheets:
        if f.q:
            if order is not None:
                if sheet.slug not in order:
                    continue
            elif not text_matches(sheet, f.q, member):
                continue
        if f.service_level() and not any(service_matches(s, f) for s in sheet.services):
            continue
        if f.accessible and sheet.step_free != "oui":
            continue
        if f.quartier and slugify(sheet.neighbourhood) != slugify(f.quartier):
            continue
        if f.ouvert and not _open_matches(sheet, f.ouvert, now, open_memo):
            continue
        out.append(sheet)
    if order is not None:
        out.sort(key=lambda s: order[s.slug])
    return out


def sheet_needs(sheet: Sheet) -> list[ref.Need]:
    """The plain-word needs a sheet answers, in display order (for pictograms).

    Kept on the (immutable, cached) sheet like a cached_property: lists ask it for every card.
    """
    found = sheet.__dict__.get("_needs")
    if found is None:
        found = [need for need in ref.NEEDS
                 if any(ref.matches_need(need.slug, list(s.thematiques), list(s.needs))
                        for s in sheet.services)]
        sheet.__dict__["_needs"] = found
    return list(found)


def neighbourhoods(sheets: Iterable[Sheet]) -> list[str]:
    """Neighbourhoods named in the sheets, for the filter's list."""
    seen: dict[str, str] = {}
    for sheet in sheets:
        if sheet.neighbourhood:
            seen.setdefault(slugify(sheet.neighbourhood), sheet.neighbourhood)
    return sorted(seen.values(), key=fold)


def group_by_category(sheets: Iterable[Sheet]) -> list[tuple[str, str, list[Sheet]]]:
    """For the printed guide's table of contents: need -> sheets (a sheet may appear twice)."""
    groups = []
    sheets = list(sheets)
    for need in ref.NEEDS:
        members = [s for s in sheets
                   if any(ref.matches_need(need.slug, list(sv.thematiques), list(sv.needs))
                          for sv in s.services)]
        if members:
            groups.append((need.slug, need.label, members))
    placed = {s.slug for _slug, _label, group in groups for s in group}
    rest = [s for s in sheets if s.slug not in placed]
    if rest:
        groups.append(("autres", N_("Autres lieux"), rest))
    return groups
