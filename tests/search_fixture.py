"""~40 structure sheets and wiki pages with known answers, for the search tests.

Sheets live in a plain DocumentStore holding JSON (a fake "structures" source): the
tests do not depend on the directory package.
"""

from __future__ import annotations

import json

from search import SearchDoc, Source, extract_page
from search.index import SearchIndex
from wiki.store import DocumentStore

# slug -> (name, presentation, services, thématiques/publics, quartier, published, pro-only text)
SHEETS = {
    "point-h": ("Accueil de jour Le Point H",
                "Accueil de jour pour les personnes sans domicile : douches, laverie, petit-déjeuner, bagagerie.",
                ["douches", "laverie", "petit-déjeuner"], ["hygiène", "sans domicile"], "Centre-ville", True, ""),
    "maison-solidarite": ("Maison de la solidarité",
                          "Accueil de jour ouvert le week-end, samedi et dimanche de 9 h à 17 h : café, repos, orientation.",
                          ["accueil", "café"], ["isolement"], "Bellevue", True, ""),
    "foyer-urgence": ("Foyer Saint-Jacques",
                      "Hébergement d'urgence pour hommes seuls, orientation par le 115, accueil de nuit.",
                      ["hébergement d'urgence", "accueil de nuit"], ["hébergement"], "Saint-Martin", True, ""),
    "chrs-ker-digemer": ("CHRS Ker Digemer",
                         "Centre d'hébergement et de réinsertion sociale : hébergement d'insertion et accompagnement vers le logement.",
                         ["hébergement", "accompagnement"], ["logement"], "Kerinou", True, ""),
    "ciseaux-or": ("Les Ciseaux d'Or",
                   "Salon de coiffure solidaire : coupe à 3 euros pour les personnes au RSA, sur rendez-vous.",
                   ["coiffure"], ["estime de soi"], "Recouvrance", True, ""),
    "addictions-ouest": ("Association Addictions Ouest",
                         "Accompagnement des personnes en difficulté avec l'alcoolisme et les autres addictions, groupes de parole.",
                         ["groupes de parole", "consultations"], ["addictions", "santé"], "Lambézellec", True, ""),
    "passerelle": ("Passerelle Justice",
                   "Accompagnement des personnes sortant de prison : logement, emploi, démarches administratives à la sortie de détention.",
                   ["accompagnement", "démarches"], ["justice"], "Centre-ville", True, ""),
    "fourneau": ("Restaurant social Le Fourneau", "Repas chaud le midi pour un euro, sans inscription.",
                 ["repas"], ["alimentation"], "Saint-Marc", True, ""),
    "epicerie-bergot": ("Épicerie solidaire du Bergot",
                        "Colis alimentaires et produits d'hygiène à petit prix, sur orientation d'un travailleur social.",
                        ["épicerie", "colis"], ["alimentation"], "Bergot", True, ""),
    "vestiaire": ("Vestiaire solidaire", "Vêtements pour adultes et enfants, chaussures, couvertures.",
                  ["vêtements"], ["habillement"], "Pontanézen", True, ""),
    "bains-douches": ("Bains-douches de Recouvrance", "Douches municipales payantes, serviettes fournies.",
                      ["douche"], ["hygiène"], "Recouvrance", True, ""),
    "cmp": ("Centre médico-psychologique", "Consultations de psychiatrie et de psychologie pour adultes.",
            ["consultations"], ["santé mentale"], "Bellevue", True, ""),
    "pass": ("Permanence d'accès aux soins de santé",
             "Soins médicaux pour les personnes sans couverture sociale, à l'hôpital.",
             ["soins"], ["santé"], "Morvan", True, ""),
    "mission-locale": ("Mission locale", "Emploi, formation et logement pour les jeunes de 16 à 25 ans.",
                       ["emploi", "formation"], ["jeunes"], "Centre-ville", True, ""),
    "point-droit": ("Point d'accès au droit", "Aide pour les papiers, les démarches administratives et les droits.",
                    ["permanence juridique"], ["accès aux droits"], "Quatre-Moulins", True, ""),
    "laverie": ("Laverie", "Machines à laver et sèche-linge.", ["laverie"], ["hygiène"], "Europe", True, ""),
    "halte-nuit": ("Halte de nuit", "Lieu pour dormir à l'abri quelques heures, boissons chaudes.",
                   ["abri de nuit"], ["sans domicile"], "Centre-ville", True, ""),
    "bagagerie": ("Bagagerie solidaire", "Consigne gratuite pour les affaires des personnes à la rue.",
                  ["consigne"], ["sans domicile"], "Siam", True, ""),
    "cafe-seniors": ("Café rencontres seniors", "Rompre l'isolement des personnes âgées autour d'un café.",
                     ["rencontres"], ["isolement", "seniors"], "Saint-Pierre", True, ""),
    "banque-alimentaire": ("Banque alimentaire du Finistère", "Collecte et redistribution de denrées aux associations.",
                           ["collecte"], ["alimentation"], "Port", True, ""),
    "ccas": ("CCAS — domiciliation", "Adresse postale pour les personnes sans domicile stable.",
             ["domiciliation"], ["accès aux droits"], "Centre-ville", True, ""),
    "velo": ("Atelier vélo solidaire", "Réparer son vélo soi-même avec des bénévoles.", ["réparation"], ["mobilité"],
             "Kerourien", True, ""),
    "maraude": ("Maraude du Samu social", "Maraude de nuit à la rencontre des personnes à la rue, lien avec le 115.",
                ["maraude"], ["sans domicile"], "Brest", True, ""),
    "brouillon": ("Accueil de jour zorglub (brouillon)", "Fiche en cours de rédaction : zorglub quintessence.",
                  ["accueil"], ["sans domicile"], "Brest", False, ""),
    "fjt": ("Foyer des jeunes travailleurs", "Logement temporaire pour les jeunes en emploi ou en formation.",
            ["logement"], ["jeunes"], "Kerinou", True, "Code de la porte 4512, demander le veilleur xylophone."),
}

# name -> (text, public)
PAGES = {
    "Comptes rendus/2026-03-10 Réunion du réseau": (
        "Présents : Anne, Bob. Ordre du jour : bilan de l'hiver, permanences.", False),
    "Comptes rendus/2026-01-14 Réunion du réseau": ("Présents : Anne. Ordre du jour : vœux, calendrier.", False),
    "Comptes rendus/2026-05-12 Réunion du réseau": ("Présents : Bob. Ordre du jour : fête des voisins.", False),
    "Modèles/Compte rendu de réunion": ("## Présents\n\n## Ordre du jour\n\n## Décisions", False),
    "Semaine de la santé mentale": ("En mars, la semaine de la santé mentale propose des cafés débats.", True),
    "Guide de l'hébergement d'urgence": (
        "Appeler le **115** pour un hébergement d'urgence. Voir [[Halte de nuit]].", True),
    "Alcool et précarité": ("Fiche pratique : repérer une consommation d'alcool à risque.", False),
    "Projet secret": ("Le projet zorglub reste entre nous : quintessence.", False),
    "Accueil": ("Bienvenue sur le wiki du réseau Isolement social de Brest.", True),
    "Aide": ("Comment écrire une page : titres, listes, liens.", True),
    "Planning des permanences": ("Lundi : Point H. Mardi : Passerelle. Mercredi : CCAS.", False),
    "Formation premiers secours": ("Inscriptions ouvertes pour la formation du printemps.", False),
    "Jardin partagé": ("Projet de jardin partagé avec les habitants de Kerourien.", True),
    "Annuaire des partenaires": ("Liste des partenaires du réseau avec leurs contacts.", False),
    "Laverie du quartier": (
        "Notes de réunion : " + "discussion générale sur le quartier. " * 40 + "La laverie ferme en août.", True),
}


def sheet_text(slug: str) -> str:
    """A sheet as the JSON text its store keeps."""
    name, presentation, services, tags, quartier, published, pro = SHEETS[slug]
    return json.dumps({"name": name, "presentation": presentation, "services": services, "tags": tags,
                       "quartier": quartier, "status": "publiée" if published else "brouillon",
                       "pro": pro}, ensure_ascii=False)


def extract_sheet(slug: str, revision) -> SearchDoc:
    """The fake directory's extract function: pro-only text in private_body."""
    data = json.loads(revision.text)
    return SearchDoc(kind="structures", key=slug, title=data["name"], url=f"/annuaire/{slug}",
                     body=data["presentation"] + "\n" + ", ".join(data["services"]),
                     tags=tuple(data["tags"]), private_body=data["pro"],
                     public=data["status"] == "publiée", extra={"neighbourhood": data["quartier"]},
                     modified=revision.time)


def fill(sheets: DocumentStore, pages: DocumentStore) -> None:
    """Save every fixture document through its store."""
    for slug in SHEETS:
        sheets.save(slug, sheet_text(slug), author="test")
    for name, (text, public) in PAGES.items():
        pages.save(name, text, author="test", meta={"public": public})


def make_index(root, *, sync: bool = True, filled: bool = True):
    """A SearchIndex following a sheet store and a page store under root."""
    sheets = DocumentStore(root / "structures", fsync=False)
    pages = DocumentStore(root / "pages", fsync=False)
    registry = {"structures": Source("structures", sheets, extract_sheet),
                "pages": Source("pages", pages, extract_page)}
    index = SearchIndex(root / "index", lambda: registry, sync=True)
    index.check_at_start()
    index.sync = sync
    for kind, source in registry.items():
        source.store.listeners.append(index.listener(kind))
    if filled:
        with index.batch():
            fill(sheets, pages)
    return index, sheets, pages
