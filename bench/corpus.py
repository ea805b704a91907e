"""A deterministic French corpus for the benchmarks: wiki pages, structure sheets, queries.

    pages(n, seed)   -> [(name, markdown, public)]   2–8 KB, headings, lists, [[links]], accents
    sheets(n, seed)  -> [Sheet]                       hours, services, neighbourhoods (valid)
    QUERIES                                           35 queries: accents, typos, 1–4 words

Same seed, same corpus, on any machine (random.Random(seed), no clock, no hash order).
No Flask here; `write_markdown(folder, pages)` gives the same pages as files for
`flask wiki import` (and for other wikis compared with the same text).
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = 20260301

TOPICS = [
    "hébergement d'urgence", "accueil de jour", "aide alimentaire", "accès aux droits",
    "santé mentale", "addictions", "douches et laverie", "domiciliation", "insertion professionnelle",
    "logement accompagné", "maraude", "isolement des personnes âgées", "bénévolat",
    "violences conjugales", "sortants de prison", "jeunes majeurs", "demandeurs d'asile",
    "numérique et démarches en ligne", "vestiaire solidaire", "épicerie sociale",
    "mobilité et transports", "parentalité", "culture et loisirs", "jardin partagé",
]
PLACES = [
    "Recouvrance", "Saint-Martin", "Kerourien", "Bellevue", "Lambézellec", "Saint-Marc",
    "Saint-Pierre", "Pontanézen", "Keredern", "Kérinou", "Centre-ville", "Quatre-Moulins",
    "Europe", "Kerbernier", "Le Bouguen", "Port de commerce",
]
KINDS = ["Compte rendu", "Fiche pratique", "Réunion", "Procédure", "Atelier", "Projet",
         "Bilan", "Note", "Ordre du jour", "Partenariat"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
_PROSE = (
    "accueil personne hébergée orientation écoute bénévole travailleur social éducatrice "
    "association réseau partenaire permanence démarche dossier préfecture sécurité sociale "
    "complémentaire santé médecin infirmière pharmacie hôpital urgences psychiatrie CMP "
    "addictologie alcool tabac cannabis réduction des risques sevrage hébergement foyer "
    "chambre nuitée 115 SIAO logement bail propriétaire loyer caution impayé expulsion "
    "trêve hivernale chauffage électricité facture énergie budget dette surendettement "
    "banque alimentaire colis repas petit-déjeuner goûter café douche laverie vêtements "
    "vestiaire chaussures hygiène coiffeur téléphone recharge ordinateur internet courriel "
    "France Travail RSA allocation CAF prime d'activité retraite pension invalidité AAH "
    "MDPH handicap fauteuil accessibilité transport bus tram vélo ticket gratuité "
    "famille enfant école cantine crèche garde parent adolescent jeunesse étudiant "
    "isolement solitude lien social convivialité sortie musée cinéma théâtre concert "
    "atelier cuisine couture jardinage peinture écriture lecture numérique français "
    "langue interprète traduction titre de séjour récépissé asile réfugié mineur "
    "prison sortie libération contrôle judiciaire avocat permanence juridique droits "
    "violence femme victime mise à l'abri écoute confidentielle plainte gendarmerie police "
    "quartier mairie centre social CCAS épicerie solidaire marché fête voisins "
    "hiver été automne printemps semaine week-end matin après-midi soirée nuit "
    "réunion compte rendu bilan évaluation projet financement subvention convention "
    "équipe salarié stagiaire service civique formation sensibilisation coordination"
)
WORDS = _PROSE.split()


def _sentence(rng: random.Random, links: list[str]) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    if links and rng.random() < 0.25:
        words.insert(rng.randint(0, len(words)), f"[[{rng.choice(links)}]]")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", " !", " ?"])


def page_names(n: int, seed: int = SEED) -> list[str]:
    """n distinct page names such as « Compte rendu — accueil de jour Kerourien 2025-03 (17) »."""
    rng = random.Random(seed)
    names, seen = [], set()
    while len(names) < n:
        kind, topic, place = rng.choice(KINDS), rng.choice(TOPICS), rng.choice(PLACES)
        year, month = rng.randint(2019, 2026), rng.randint(1, 12)
        name = f"{kind} {topic} {place} {year}-{month:02d}"
        if name in seen:
            name = f"{name} ({len(names)})"
        seen.add(name)
        names.append(name)
    return names


def page_text(rng: random.Random, name: str, links: list[str], size: int) -> str:
    """Markdown of about `size` bytes: headings, paragraphs, lists, tasks, a table, links."""
    parts = [f"# {name}", "", _sentence(rng, links), ""]
    while len("\n".join(parts).encode("utf-8")) < size:
        roll = rng.random()
        if roll < 0.15:
            parts += [f"## {rng.choice(TOPICS).capitalize()} à {rng.choice(PLACES)}", ""]
        elif roll < 0.35:
            parts += [f"- {_sentence(rng, links)}" for _ in range(rng.randint(2, 5))] + [""]
        elif roll < 0.42:
            parts += [f"- [{rng.choice(' x')}] {_sentence(rng, links)}" for _ in range(3)] + [""]
        elif roll < 0.47:
            parts += ["| Lieu | Jour | Horaire |", "|---|---|---|"]
            parts += [f"| {rng.choice(PLACES)} | {rng.choice(['lundi', 'mercredi', 'samedi'])} "
                      f"| {rng.randint(8, 14)} h – {rng.randint(15, 19)} h |" for _ in range(3)] + [""]
        else:
            parts += [" ".join(_sentence(rng, links) for _ in range(rng.randint(3, 6))), ""]
    return "\n".join(parts) + "\n"


def pages(n: int, seed: int = SEED) -> list[tuple[str, str, bool]]:
    """(name, markdown, public) for n pages; about one page in two is public."""
    names = page_names(n, seed)
    rng = random.Random(seed + 1)
    out = []
    for i, name in enumerate(names):
        links = [names[rng.randrange(n)] for _ in range(4)] + [f"Page absente {i % 50}"]
        out.append((name, page_text(rng, name, links, rng.randint(2000, 8000)), i % 2 == 0))
    return out


def write_markdown(folder: Path | str, items: list[tuple[str, str, bool]]) -> Path:
    """Write pages as `<name>.md` files (for `flask wiki import`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text, _public in items:
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- structure sheets

_HOURS = [
    {"lun,mar,mer,jeu,ven": [("09:00", "12:00"), ("14:00", "17:00")]},
    {"lun,mar,jeu,ven": [("08:30", "12:30")], "mer": [("13:30", "18:00")]},
    {"sam,dim": [("09:00", "17:00")]},
    {"lun,mar,mer,jeu,ven,sam,dim": [("19:00", "08:00")]},
    {"mar,jeu": [("10:00", "16:00")]},
    {"lun,mar,mer,jeu,ven,sam": [("07:30", "20:00")]},
]
_SERVICES = [
    ("Douches", "Douches individuelles, serviette fournie.", ["sante--acces-aux-soins"], ["se-laver"]),
    ("Repas du midi", "Repas chaud servi à table, café.", ["equipement-et-alimentation--alimentation"], []),
    ("Domiciliation", "Adresse pour recevoir son courrier et faire valoir ses droits.",
     ["difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"], []),
    ("Écoute", "Un temps d'écoute sans rendez-vous, confidentiel.", ["remobilisation--lien-social"], []),
    ("Hébergement d'urgence", "Mise à l'abri pour la nuit, orientation par le 115.",
     ["logement-hebergement--mal-loges-sans-logis"], []),
    ("Vestiaire", "Vêtements et chaussures pour toute la famille.",
     ["equipement-et-alimentation--habillement"], []),
    ("Aide numérique", "Accompagnement aux démarches en ligne, ordinateurs en accès libre.",
     ["numerique--acceder-a-du-materiel"], []),
]


def sheets(n: int, seed: int = SEED):
    """n valid, mostly published structure sheets with hours and services (directory.sheet.Sheet)."""
    from directory import reference as ref
    from directory.hours import Hours, Slot
    from directory.sheet import Phone, Service, Sheet

    them, pubs, stypes = set(ref.thematiques()), list(ref.publics()), list(ref.structure_types())
    rng = random.Random(seed + 2)

    def week(spec) -> Hours:
        days = [()] * 7
        names = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
        for key, slots in spec.items():
            for day in key.split(","):
                days[names.index(day)] = tuple(Slot(a, b, b <= a) for a, b in slots)
        return Hours(days=tuple(days))

    out = []
    for i in range(n):
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        services = []
        for sname, desc, thems, needs in rng.sample(_SERVICES, rng.randint(1, 4)):
            services.append(Service(
                name=sname, description=f"{desc} {_sentence(rng, [])}",
                thematiques=tuple(t for t in thems if t in them), publics=(rng.choice(pubs),),
                access=(rng.choice(["sans-rdv", "rdv", "inscription"]),),
                price=rng.choice(["gratuit", "gratuit", "participation"]), needs=tuple(needs),
                languages=tuple(rng.sample(["fr", "en", "ar", "es"], rng.randint(1, 2))),
                hours=week(rng.choice(_HOURS)) if rng.random() < 0.3 else None,
            ))
        out.append(Sheet(
            slug=f"structure-{i:05d}", name=f"{topic.capitalize()} {place} n° {i}",
            presentation=" ".join(_sentence(rng, []) for _ in range(4)),
            structure_type=rng.choice(stypes), address=f"{rng.randint(1, 120)} rue de {place}",
            postcode="29200", town="Brest", insee="29019",
            latitude=round(48.36 + rng.random() * 0.06, 5), longitude=round(-4.53 + rng.random() * 0.08, 5),
            neighbourhood=place, step_free=rng.choice(["oui", "non", "inconnu"]),
            phones=(Phone(f"02 98 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                          "accueil"),),
            pro_contact="Ligne des professionnels : 02 98 00 00 00",
            hours=week(rng.choice(_HOURS)), services=tuple(services), updated="2026-01-15",
            status="publiee" if rng.random() < 0.9 else "brouillon",
        ))
    return out


# ---------------------------------------------------------------- queries

QUERIES = [
    # one word, with and without accents
    "hébergement", "hebergement", "douche", "douches", "coiffeur", "domiciliation", "alcool",
    "préfecture", "prefecture", "vêtements", "numérique", "écoute",
    # typos
    "hebergment", "domicilation", "alcolisme", "vetemments", "prefectur", "psychiatrei",
    # two words
    "accueil jour", "aide alimentaire", "titre séjour", "santé mentale", "sortie prison",
    "violences conjugales", "banque alimentaire",
    # three or four words
    "hébergement d'urgence Brest", "accueil de jour week-end", "compte rendu mars",
    "repas chaud Recouvrance", "aide démarches en ligne", "douche gratuite sans rendez-vous",
    "logement accompagné jeunes majeurs", "réunion partenaires Kerourien 2025",
    "permanence juridique droits étrangers", "café convivialité quartier Bellevue",
]
