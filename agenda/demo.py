"""Example events for the demo data folder (dates relative to the day the demo is made)."""

from __future__ import annotations

from datetime import date, timedelta

from agenda import recurrence as rec
from agenda.event import validate

# Sheets of the directory's demo (slugs from the names).
DAY_SHELTER = "agheb-le-phare"
SOCIAL_CENTRE = "centre-social-de-kerangoff"


def _next(today: date, weekday: int, weeks: int = 0) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)


def examples(today: date) -> list[dict]:
    """Form values of the demo events."""
    open_day = _next(today, 3, 1)  # Thursday of next week
    workshop = _next(today, 1, -4)  # every Tuesday, from four weeks ago (so this week has one)
    meeting = _next(today, 0, 1)   # Monday of next week, then monthly
    past = _next(today, 3, -3)
    return [
        {"title": "Portes ouvertes de l'accueil de jour (exemple — à vérifier)",
         "kind": "portes-ouvertes", "structure": DAY_SHELTER, "place": "structure",
         "start_date": open_day.isoformat(), "start_time": "14:00", "end_time": "17:00",
         "description": "Venez découvrir l'accueil de jour : **douches**, laverie, coiffure "
                        "solidaire, café. Professionnels et bénévoles du réseau bienvenus.",
         "besoins": ["se-laver", "etre-ecoute"], "publics": ["tous-publics"], "price": "gratuit",
         "status": "publie"},
        {"title": "Atelier cuisine du mardi (exemple — à vérifier)", "kind": "atelier",
         "structure": SOCIAL_CENTRE, "place": "structure", "repeat": rec.WEEKLY,
         "start_date": workshop.isoformat(), "start_time": "14:00", "end_time": "16:30",
         "until": (workshop + timedelta(days=7 * 26)).isoformat(),
         "exceptions": f"{(workshop + timedelta(days=7 * 7)).strftime('%d/%m/%Y')} — "
                       "fermeture du centre social (exemple)",
         "description": "On cuisine ensemble avec les produits de saison, puis on partage le repas.",
         "besoins": ["manger", "s-occuper"], "publics": ["tous-publics"], "price": "participation",
         "price_details": "1 € par séance", "registration": "1",
         "registration_how": "À l'accueil du centre social ou par téléphone.", "status": "publie"},
        {"title": "Réunion du groupe Isolement social (exemple)", "kind": "reunion-reseau",
         "place": "autre", "place_name": "Salle de réunion du réseau",
         "address": "Brest (lieu communiqué aux membres)", "internal": "1",
         "repeat": rec.MONTHLY_WEEKDAY, "start_date": meeting.isoformat(), "start_time": "09:30",
         "end_time": "11:30", "until": (meeting + timedelta(days=180)).isoformat(),
         "description": "Tour de table des structures, point sur le guide et les projets.",
         "status": "publie"},
        {"title": "Permanence d'accès aux droits (exemple, passée)", "kind": "permanence",
         "structure": SOCIAL_CENTRE, "place": "structure", "start_date": past.isoformat(),
         "start_time": "10:00", "end_time": "12:00", "publics": ["tous-publics"],
         "besoins": ["demarches"], "status": "publie"},
    ]


class _Form(dict):
    def getlist(self, key):
        value = self.get(key) or []
        return [value] if isinstance(value, str) else list(value)


def seed(app) -> None:
    """Save the example events (once, when the demo folder is created)."""
    from agenda import _follow_sheets
    from agenda.event import new_name

    store = app.extensions["reperes"]["events"]
    _follow_sheets(app, store)  # the directory's demo sheets come next: re-index on publication
    today = date.today()
    for values in examples(today):
        event, _notices = validate(_Form(values), today=today)
        name = new_name(event, lambda n: store.current_number(n) is not None)
        store.save(name, event.to_text(), author="demo", comment="événement de démonstration",
                   meta={**event.meta(), "reviewed": 2})
