"""Demo content: one workshop and two published opinions, clearly labelled as examples."""

from __future__ import annotations

import time

EXAMPLES = (
    ("agheb-le-phare", 3, "(exemple) On est bien accueilli. Le café est chaud le matin et on peut prendre une douche."),
    ("halte-accueil-frederic-ozanam", 2, "(exemple) Le samedi, c'est ouvert. Il y a parfois beaucoup d'attente."),
)


def seed(app) -> None:
    """Create the examples once (the sheets they name come from the directory's demo)."""
    store = app.extensions["reperes"]["mediation"]
    if store.find_participant("Exemple"):
        return
    workshop = store.open_workshop("Atelier exemple", "demo", "agheb-le-phare")
    person = store.add_participant("Exemple", "demo")
    store.join(workshop.id, person.id, "demo")
    for slug, rating, text in EXAMPLES:
        item = store.create("avis", person.id, workshop.id, "demo", "demo")

        def fill(c, slug=slug, rating=rating, text=text):
            c.text, c.rating, c.link, c.structure = text, rating, "structure", slug
            c.consent.given, c.consent.scope, c.consent.mediator, c.consent.date = True, "public", "demo", time.time()
            c.done = list(c.steps)
            c.move_to("propose")
            c.move_to("publie")

        store.update(item.id, fill, "demo", "exemple publié")
