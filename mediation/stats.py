"""The evaluation figures (the page for members, `flask stats` and its CSV): no Flask here."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from datetime import UTC, datetime

from i18n import N_, translate
from mediation.model import KIND_LABELS, STATUS_LABELS
from mediation.store import MediationStore
from wiki.store import DocumentStore

ACTIVE_DAYS = 30


def _month(ts: float) -> str:
    return datetime.fromtimestamp(ts or 0, UTC).strftime("%Y-%m")


def _store_figures(store: DocumentStore | None, now: float) -> dict:
    """Documents, edits in the last 30 days and their authors, edits by month."""
    if store is None:
        return {"documents": 0, "edits_30d": 0, "authors": set(), "by_month": Counter()}
    authors, by_month, recent = set(), Counter(), 0
    for entry in store.recent(limit=100_000):
        if entry.author and not entry.author.startswith("participant:") and entry.author != "demo":
            authors.add(entry.author)
        by_month[_month(entry.time)] += 1
        if now - entry.time < ACTIVE_DAYS * 86400:
            recent += 1
    return {"documents": len(store.names()), "edits_30d": recent, "authors": authors, "by_month": by_month}


def compute(mediation: MediationStore, pages: DocumentStore | None, structures: DocumentStore | None,
            places: dict[str, str] | None = None, now: float | None = None) -> dict:
    """Every figure of the evaluation page, as plain data."""
    now = now or time.time()
    places = places or {}
    items = mediation.all()
    workshops = {w.id: w for w in mediation.all_workshops()}
    wiki = _store_figures(pages, now)
    sheets = _store_figures(structures, now)
    contributing_members = set(wiki["authors"]) | set(sheets["authors"])
    contributing_members |= {c.mediator for c in items if c.mediator}
    return {
        "wiki_pages": wiki["documents"],
        "wiki_edits_30d": wiki["edits_30d"],
        "wiki_edits_by_month": dict(sorted(wiki["by_month"].items())),
        "sheets": sheets["documents"],
        "sheet_edits_30d": sheets["edits_30d"],
        "sheet_edits_by_month": dict(sorted(sheets["by_month"].items())),
        "contributions": len(items),
        "by_kind": {KIND_LABELS[k]: n for k, n in Counter(c.kind for c in items).most_common()},
        "by_status": {STATUS_LABELS[s]: n for s, n in Counter(c.status for c in items).most_common()},
        "by_month": dict(sorted(Counter(_month(c.created) for c in items).items())),
        "by_structure": {places.get(s, s) or N_("(aucun lieu)"): n
                         for s, n in Counter(c.structure for c in items).most_common()},
        "by_workshop": {(workshops[w].title if w in workshops else w) or N_("(sans atelier)"): n
                        for w, n in Counter(c.workshop for c in items).most_common()},
        "workshops": len(workshops),
        "participants": len({c.participant for c in items}),
        "participants_registered": len(mediation.all_participants()),
        "contributing_members": len(contributing_members),
        "feedback": len(mediation.all_feedback()),
    }


LABELS = {
    "wiki_pages": N_("Pages du wiki"),
    "wiki_edits_30d": N_("Modifications du wiki (30 jours)"),
    "wiki_edits_by_month": N_("Modifications du wiki par mois"),
    "sheets": N_("Fiches de l'annuaire"),
    "sheet_edits_30d": N_("Modifications des fiches (30 jours)"),
    "sheet_edits_by_month": N_("Modifications des fiches par mois"),
    "contributions": N_("Contributions"),
    "by_kind": N_("Contributions par type"),
    "by_status": N_("Contributions par statut"),
    "by_month": N_("Contributions par mois"),
    "by_structure": N_("Contributions par structure"),
    "by_workshop": N_("Contributions par atelier"),
    "workshops": N_("Ateliers"),
    "participants": N_("Personnes accueillies ayant contribué"),
    "participants_registered": N_("Pseudonymes enregistrés"),
    "contributing_members": N_("Membres contributeurs"),
    "feedback": N_("Réponses « Votre avis sur Repères »"),
}


def rows(figures: dict) -> list[tuple[str, str, int]]:
    """Figures as (indicator, detail, value) rows, in the page's order."""
    out = []
    for key, label in LABELS.items():
        value = figures[key]
        if isinstance(value, dict):
            out += [(label, str(k), int(v)) for k, v in value.items()]
        else:
            out.append((label, "", int(value)))
    return out


def _cell(value) -> str:
    """Neutralise spreadsheet formulas in a CSV cell."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(figures: dict, feedback: list[dict] | None = None) -> str:
    """The figures as CSV (semicolons would confuse nobody: commas, quoted when needed)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["indicateur", "detail", "valeur"])
    for label, detail, value in rows(figures):
        writer.writerow([_cell(label), _cell(detail), value])
    for answer in feedback or []:
        writer.writerow(["Avis sur Repères", _cell(answer.get("text", "")), answer.get("useful") or ""])
    return out.getvalue()


def to_text(figures: dict) -> str:
    """The figures as readable text for the terminal (in the shell's language, French by default)."""
    lines = []
    for key, label in LABELS.items():
        value = figures[key]
        if isinstance(value, dict):
            lines.append(translate(N_("%(label)s :", label=label)))
            lines += [translate(N_("  %(label)s : %(value)s", label=k, value=v))
                      for k, v in value.items()] or [translate(N_("  (aucune)"))]
        else:
            lines.append(translate(N_("%(label)s : %(value)s", label=label, value=value)))
    return "\n".join(lines) + "\n"
