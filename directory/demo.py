"""Demo data: the partners of the network as example sheets, clearly labelled "exemple — à vérifier".

Addresses, coordinates, phone numbers and hours are plausible placeholders for the demo,
not checked facts: every sheet says so, and no person is named.
"""

from __future__ import annotations

from datetime import date, timedelta

from directory.hours import Closure, Hours, Slot
from directory.sheet import Phone, Service, Sheet, to_json
from wiki.names import slugify

NOTE = "Fiche d'exemple — à vérifier : adresse, horaires et contacts sont à confirmer par la structure."


def _week(spec: dict[str, list[tuple[str, str]]], holidays: str = "ferme",
          holiday_slots=(), closures=()) -> Hours:
    days = [()] * 7
    names = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
    for key, slots in spec.items():
        for day in key.split(","):
            days[names.index(day)] = tuple(
                Slot(a, b, b <= a and b != "24:00") for a, b in slots)
    return Hours(days=tuple(days), holidays=holidays,
                 holiday_slots=tuple(Slot(a, b) for a, b in holiday_slots), closures=tuple(closures))


WEEKDAYS = "lun,mar,mer,jeu,ven"


def _svc(name, description, thematiques=(), publics=("tous-publics",), access=("sans-rdv",),
         price="gratuit", type_="", needs=(), languages=("fr",), **kw) -> Service:
    return Service(name=name, description=description, thematiques=tuple(thematiques),
                   publics=tuple(publics), access=tuple(access), price=price, type=type_,
                   needs=tuple(needs), languages=tuple(languages), **kw)


def sheets(today: date) -> list[Sheet]:
    """The example sheets (dates relative to today, so the demo always has a live closure)."""
    soon = today + timedelta(days=20)
    return [
        Sheet(slug="", name="Agheb / Le Phare", structure_type="ASSO", neighbourhood="Centre-ville",
              presentation="Accueil de jour : un lieu pour se poser, se laver, manger et rencontrer "
                           "du monde, sans condition.\n\n" + NOTE,
              address="12 rue de Siam", postcode="29200", town="Brest", insee="29019",
              latitude=48.3889, longitude=-4.4905, transport="Tram A, arrêt Siam.",
              step_free="oui", animals="oui",
              phones=(Phone("02 98 00 00 01", "accueil"),), email="lephare@exemple.org",
              pro_contact="Ligne directe des travailleurs sociaux : 02 98 00 00 91 (exemple)",
              hours=_week({WEEKDAYS: [("08:30", "12:30"), ("13:30", "17:00")]}),
              services=(
                  _svc("Douches", "Douches individuelles, serviette et produits d'hygiène fournis.",
                       ["sante--acces-aux-soins"], needs=["se-laver"], type_="aide-materielle",
                       publics=["personnes-en-situation-durgence"],
                       hours=_week({WEEKDAYS: [("08:30", "11:30")]})),
                  _svc("Coiffure", "Coupe de cheveux par une coiffeuse bénévole, deux fois par mois.",
                       ["remobilisation--bien-etre-confiance-en-soi"], access=("inscription",),
                       type_="aide-materielle", needs=["se-laver"]),
                  _svc("Repas du midi", "Repas chaud servi à table.",
                       ["equipement-et-alimentation--alimentation"], price="participation",
                       price_details="1 € (gratuit si besoin)", type_="aide-materielle"),
                  _svc("Papi", "Activité « Papi » : description à compléter par la structure.",
                       ["remobilisation--lien-social"], type_="atelier"),
                  _svc("Jardinage", "Atelier jardin partagé le jeudi après-midi.",
                       ["remobilisation--activites-sportives-et-culturelles"], type_="atelier"),
              )),
        Sheet(slug="", name="Halte accueil Frédéric Ozanam", structure_type="ASSO",
              neighbourhood="Saint-Martin",
              presentation="Accueil les week-ends et jours fériés, quand les autres lieux sont "
                           "fermés : café, repas, douche, écoute.\n\n" + NOTE,
              address="5 rue Frédéric Le Guyader", postcode="29200", town="Brest", insee="29019",
              latitude=48.3958, longitude=-4.4862, transport="Bus 1 et 3, arrêt Saint-Martin.",
              step_free="non", animals="oui",
              phones=(Phone("02 98 00 00 02", "accueil (week-end)"),),
              hours=_week({"sam,dim": [("09:00", "17:00")]}, holidays="special",
                          holiday_slots=[("09:00", "17:00")]),
              services=(
                  _svc("Accueil et café", "Café, boissons chaudes, écoute.",
                       ["remobilisation--lien-social"], type_="accompagnement"),
                  _svc("Repas du week-end", "Repas chaud le samedi et le dimanche midi.",
                       ["equipement-et-alimentation--alimentation"], type_="aide-materielle"),
                  _svc("Douche", "Une douche pendant l'accueil, sur demande.", [],
                       needs=["se-laver"], type_="aide-materielle"),
              )),
        Sheet(slug="", name="Point Kerros", structure_type="ASSO", neighbourhood="Centre-ville",
              presentation="Accueil, écoute et orientation des personnes en difficulté.\n\n" + NOTE,
              address="8 rue Kerros", postcode="29200", town="Brest", insee="29019",
              latitude=48.3921, longitude=-4.4828, step_free="inconnu",
              phones=(Phone("02 98 00 00 03"),),
              hours=_week({"lun,mar,jeu,ven": [("09:30", "12:00"), ("14:00", "16:30")],
                           "mer": [("09:30", "12:00")]}),
              services=(
                  _svc("Accueil et orientation", "Écoute et orientation vers les bons services.",
                       ["difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                        "remobilisation--lien-social"], type_="information"),
              )),
        Sheet(slug="", name="Point 48", structure_type="ASSO", neighbourhood="Centre-ville",
              presentation="Accompagnement des personnes sortant de prison : démarches, logement, "
                           "lien avec le SPIP.\n\n" + NOTE,
              address="48 rue Jean Jaurès", postcode="29200", town="Brest", insee="29019",
              latitude=48.3935, longitude=-4.4801, transport="Tram A, arrêt Saint-Martin.",
              phones=(Phone("02 98 00 00 04"),), email="point48@exemple.org",
              hours=_week({WEEKDAYS: [("09:00", "12:30"), ("13:30", "17:00")]}),
              services=(
                  _svc("Accompagnement des sortants de prison",
                       "Préparer la sortie, refaire ses papiers, chercher un logement.",
                       ["difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
                        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
                        "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
                       publics=["personnes-en-situation-juridique-specifique"],
                       access=("rdv", "orientation"), type_="accompagnement",
                       publics_details="Personnes sortant de détention ou sous main de justice.",
                       documents="Pièce d'identité si possible, jugement ou levée d'écrou."),
              )),
        Sheet(slug="", name="Emergence", structure_type="CHRS", neighbourhood="Bellevue",
              presentation="Centre d'hébergement et de réinsertion sociale (CHRS).\n\n" + NOTE,
              address="20 rue de Bellevue", postcode="29200", town="Brest", insee="29019",
              latitude=48.3998, longitude=-4.5041, step_free="oui", animals="non",
              phones=(Phone("02 98 00 00 05", "standard"), Phone("02 98 00 00 55", "nuit")),
              pro_contact="Orientation par le SIAO uniquement ; cadre d'astreinte : 02 98 00 00 95 (exemple)",
              hours=_week({WEEKDAYS: [("09:00", "17:00")]}),
              services=(
                  _svc("Hébergement (CHRS)", "Hébergement et accompagnement vers le logement.",
                       ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
                       publics=["personnes-en-situation-durgence"], access=("orientation",),
                       price="participation", price_details="Selon les ressources.",
                       type_="accompagnement", access_details="Demande par le SIAO (115)."),
                  _svc("Accueil du soir", "Accueil des personnes hébergées le soir et la nuit.",
                       ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
                       publics=["personnes-en-situation-durgence"], access=("orientation",),
                       type_="accompagnement",
                       hours=_week({"lun,mar,mer,jeu,ven,sam,dim": [("19:00", "08:00")]},
                                   holidays="habituel")),
              )),
        Sheet(slug="", name="AFTAM Louis Guilloux", structure_type="CHRS", neighbourhood="Saint-Marc",
              presentation="Hébergement CHRS et accompagnement social.\n\n" + NOTE,
              address="3 rue Louis Guilloux", postcode="29200", town="Brest", insee="29019",
              latitude=48.3912, longitude=-4.4542, phones=(Phone("02 98 00 00 06"),),
              hours=_week({WEEKDAYS: [("09:00", "12:00"), ("14:00", "17:30")]}),
              services=(
                  _svc("Hébergement (CHRS)", "Hébergement en chambre individuelle et accompagnement.",
                       ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
                        "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement"],
                       publics=["personnes-en-situation-durgence"], access=("orientation",),
                       price="participation", type_="accompagnement",
                       languages=("fr", "en", "ar")),
              )),
        Sheet(slug="", name="Vie Libre", structure_type="ASSO", neighbourhood="Lambézellec",
              presentation="Association d'aide aux personnes en difficulté avec l'alcool "
                           "(alcoolisme) et à leur entourage.\n\n" + NOTE,
              address="15 rue de Lambézellec", postcode="29200", town="Brest", insee="29019",
              latitude=48.4102, longitude=-4.4893, phones=(Phone("02 98 00 00 07"),),
              hours=_week({"mar": [("18:00", "20:00")], "sam": [("10:00", "12:00")]}),
              services=(
                  _svc("Groupe de parole", "Réunion d'échange entre personnes concernées par "
                       "l'alcoolisme, et leurs proches.",
                       ["sante--addictions", "sante--sante-mentale"], type_="accompagnement"),
              )),
        Sheet(slug="", name="Atelier Roulage", structure_type="ASSO", neighbourhood="Recouvrance",
              presentation="Atelier vélo solidaire : réparer son vélo avec de l'aide, "
                           "en trouver un d'occasion.\n\n" + NOTE,
              address="2 rue de la Porte", postcode="29200", town="Brest", insee="29019",
              latitude=48.3852, longitude=-4.5002, step_free="oui",
              phones=(Phone("02 98 00 00 08"),),
              hours=_week({"mer": [("14:00", "18:00")], "sam": [("10:00", "17:00")]}),
              services=(
                  _svc("Atelier de réparation", "Réparer son vélo avec l'aide d'un bénévole.",
                       ["mobilite--entretenir-reparer-son-vehicule",
                        "remobilisation--activites-sportives-et-culturelles"],
                       price="participation", price_details="Adhésion à prix libre.", type_="atelier"),
              )),
        Sheet(slug="", name="Entraide et amitiés", structure_type="ASSO", neighbourhood="Quatre Moulins",
              presentation="Visites, sorties et activités pour rompre l'isolement.\n\n" + NOTE,
              address="30 rue Anatole France", postcode="29200", town="Brest", insee="29019",
              latitude=48.3878, longitude=-4.5135, phones=(Phone("02 98 00 00 09"),),
              hours=_week({"lun,jeu": [("14:00", "17:00")]}),
              services=(
                  _svc("Après-midi conviviaux", "Jeux, goûter, discussions.",
                       ["remobilisation--lien-social"], publics=["seniors", "personnes-en-situation-de-handicap"],
                       type_="atelier"),
              )),
        Sheet(slug="", name="Lover Pause", structure_type="ASSO", neighbourhood="Centre-ville",
              presentation="Lieu de pause et d'écoute, boisson offerte.\n\n" + NOTE,
              address="4 place de la Liberté", postcode="29200", town="Brest", insee="29019",
              latitude=48.3899, longitude=-4.4857, step_free="oui",
              hours=_week({"ven": [("20:00", "02:00")], "sam": [("20:00", "02:00")]},
                          holidays="inconnu"),
              services=(
                  _svc("Pause et écoute de nuit", "Un lieu chaud la nuit du week-end pour parler.",
                       ["remobilisation--lien-social", "sante--sante-mentale"],
                       publics=["jeunes"], type_="accompagnement"),
              )),
        Sheet(slug="", name="Centre social de Kérangoff", structure_type="CS",
              neighbourhood="Saint-Pierre",
              presentation="Centre social de quartier : activités, aide aux démarches, numérique.\n\n" + NOTE,
              address="1 rue de Kérangoff", postcode="29200", town="Brest", insee="29019",
              latitude=48.3801, longitude=-4.5212, step_free="oui",
              phones=(Phone("02 98 00 00 11"),), email="kerangoff@exemple.org",
              hours=_week({WEEKDAYS: [("09:00", "12:00"), ("13:30", "18:00")]},
                          closures=[Closure(soon.isoformat(), (soon + timedelta(days=11)).isoformat(),
                                            "fermé pour travaux")]),
              services=(
                  _svc("Aide aux démarches", "Aide pour les papiers, la CAF, les impôts.",
                       ["difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
                        "numerique--acceder-a-des-services-en-ligne"], access=("sans-rdv", "rdv"),
                       type_="accompagnement", languages=("fr", "ar", "uk")),
                  _svc("Ateliers cuisine et sorties", "Cuisine collective, sorties familiales.",
                       ["remobilisation--lien-social", "famille--soutien-a-la-parentalite-et-a-leducation"],
                       publics=["familles"], access=("inscription",), price="participation",
                       type_="atelier"),
              )),
        Sheet(slug="", name="CCAS de Brest — service logement", structure_type="CCAS",
              neighbourhood="Centre-ville",
              presentation="Service logement du centre communal d'action sociale.\n\n" + NOTE,
              address="2 rue Frézier", postcode="29200", town="Brest", insee="29019",
              latitude=48.3903, longitude=-4.4874, step_free="oui",
              phones=(Phone("02 98 00 00 12"),), website="https://www.brest.fr",
              hours=_week({WEEKDAYS: [("08:30", "12:00"), ("13:30", "17:00")]}),
              services=(
                  _svc("Information logement", "Informer sur l'accès au logement social et aux aides.",
                       ["logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
                        "logement-hebergement--se-maintenir-dans-le-logement"],
                       access=("sans-rdv", "rdv"), type_="information"),
              )),
        Sheet(slug="", name="CLIC de Brest", structure_type="Autre", neighbourhood="Centre-ville",
              presentation="Centre local d'information et de coordination pour les personnes âgées "
                           "et leur entourage.\n\n" + NOTE,
              address="10 rue Traverse", postcode="29200", town="Brest", insee="29019",
              latitude=48.3887, longitude=-4.4889, step_free="oui",
              phones=(Phone("02 98 00 00 13"),),
              hours=_week({WEEKDAYS: [("09:00", "12:00"), ("14:00", "17:00")]}),
              services=(
                  _svc("Information des personnes âgées", "Aides à domicile, entrée en établissement, "
                       "soutien des aidants.",
                       ["famille--prise-en-charge-personne-dependante", "famille--soutien-aidants"],
                       publics=["seniors"], access=("rdv", "sans-rdv"), type_="information"),
              )),
    ]


def seed(app) -> None:
    """Write the example sheets (published, "exemple — à vérifier"); two are left stale."""
    from dataclasses import replace

    store = app.extensions["reperes"]["structures"]
    today = date.today()
    for n, sheet in enumerate(sheets(today)):
        slug = slugify(sheet.name)
        if store.current_number(slug) is not None:
            continue
        age = 200 if n in (2, 8) else n * 3  # two sheets untouched for months: "à vérifier"
        sheet = replace(sheet, slug=slug, status="publiee", example=True,
                        updated=(today - timedelta(days=age)).isoformat())
        store.save(slug, to_json(sheet), author="demo", comment="fiche d'exemple",
                   meta={"status": sheet.status, "name": sheet.name}, action="SAVENEW")


