"""How the search index sees a structure sheet (registered with search.register_source)."""

from __future__ import annotations

from directory import reference as ref
from directory.finder import sheet_needs
from directory.sheet import from_json
from search import SearchDoc


def extract(slug: str, revision) -> SearchDoc | None:
    """A sheet as a SearchDoc: public only when published; the pro line is private text."""
    if revision is None or revision.meta.get("deleted"):
        return None
    try:
        sheet = from_json(revision.text)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if sheet.status == "archivee":
        return None
    them, pubs = ref.thematiques(), ref.publics()
    body = "\n".join(filter(None, [
        sheet.presentation,
        *(f"{s.name}\n{s.description}" for s in sheet.services),
        *(them.get(t, t) for t in sheet.all_thematiques()),
        *(pubs.get(p, p) for p in sheet.all_publics()),
        *(ref.needs()[n].label for s in sheet.services for n in s.needs if n in ref.needs()),
        sheet.neighbourhood, sheet.address, sheet.town,
    ]))
    return SearchDoc(
        kind="structures", key=slug, title=sheet.name, url=f"/annuaire/{slug}", body=body,
        public=sheet.public, private_body=sheet.pro_contact,
        # what the card shows (services, needs, « gratuit ») weighs more than the text's mentions
        tags=tuple(sheet.all_thematiques()) + tuple(sheet.all_publics())
        + tuple(s.name for s in sheet.services) + tuple(n.label for n in sheet_needs(sheet))
        + tuple(sorted({str(ref.PRICES[s.price]) for s in sheet.services if s.price in ref.PRICES})),
        extra={"neighbourhood": sheet.neighbourhood, "status": sheet.status,
               "categories": sheet.categories()},
        modified=revision.time,
    )
