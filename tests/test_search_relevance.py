"""Relevance on the demo data: what front-desk staff and members type, and the answer expected first.

The demo folder (web.demo and the packages' seeders: sheets, events, contributions, pages) gets
three more wiki pages a real network has: two meetings' minutes (members only), which name many
places and needs, and a public page of useful numbers. They are the distractors a place must
beat: a page or an event *mentioning* showers is not the place offering them.

Each case is checked through `/recherche?q=` (all tabs) and, for places, through `/annuaire/?q=`,
anonymously and as a member (the expected answer of a members-only page: as a member only).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

import pytest

from wiki.markup import default_link_url

MARCH = "Comptes rendus/2026-03-10 Réunion du groupe Isolement social"
MAY = "Comptes rendus/2026-05-12 Réunion du groupe Isolement social"
NUMBERS = "Numéros utiles"

# name -> (Markdown, public)
PAGES = {
    MARCH: ("""# Compte rendu de réunion — 10 mars 2026

Groupe : Isolement social
Présents : Agheb / Le Phare, Emergence, Vie Libre, CCAS, Point Kerros
Excusés : Atelier Roulage

## Tour de table

- Agheb / Le Phare : les douches de l'accueil de jour sont saturées le lundi matin ; une
  deuxième douche ouvrira en avril. Le repas du midi reste gratuit.
- Emergence : l'hébergement d'urgence est complet presque chaque soir ; orienter vers le 115
  les personnes qui n'ont pas où dormir.
- Vie Libre : le groupe de parole sur l'alcoolisme reprend le jeudi.
- Point Kerros : beaucoup de demandes pour refaire les papiers.

## Décisions

- Mettre à jour le guide « où manger, où se laver ».

## Prochaine réunion

12 mai 2026, au centre social de Kérangoff.
""", False),
    MAY: ("""# Compte rendu de réunion — 12 mai 2026

Présents : Centre social de Kérangoff, CLIC, Entraide et amitiés, Lover Pause

## Tour de table

- Centre social de Kérangoff : l'atelier cuisine du mardi continue jusqu'à l'été.
- CLIC : nouvelle permanence pour les aidants des personnes âgées.
- Lover Pause : il manque des bénévoles pour l'écoute de nuit le week-end.

## Décisions

- Préparer la fête de quartier de juin.
""", False),
    NUMBERS: ("""# Numéros utiles

- 115 : hébergement d'urgence, appel gratuit jour et nuit.
- 15 : SAMU ; 17 : police ; 18 : pompiers.
- 3919 : violences faites aux femmes.
""", True),
}


def sheet(slug: str) -> str:
    return f"/annuaire/{slug}"


def page(name: str) -> str:
    return default_link_url(name)


def event(slug: str) -> str:
    """A demo event's address, whatever its date (names start with it): a pattern."""
    return f"/agenda/evenement/*-{slug}-*"


SHELTER, WEEKEND = sheet("agheb-le-phare"), sheet("halte-accueil-frederic-ozanam")
EMERGENCE, AFTAM = sheet("emergence"), sheet("aftam-louis-guilloux")
SHOWERS = {SHELTER, WEEKEND}
HOUSING = {EMERGENCE, AFTAM}
FOOD = {SHELTER, WEEKEND}


@dataclass(frozen=True)
class Case:
    q: str
    first: frozenset[str]            # the first result is one of these
    top3: frozenset[str] = frozenset()  # ... and these are all in the first three
    member_only: bool = False        # the answer is a members' page: checked as a member only


def case(q, first, top3=(), *, member_only=False) -> Case:
    first = {first} if isinstance(first, str) else set(first)
    return Case(q, frozenset(first), frozenset(top3), member_only)


CASES = [
    # front desk, a person waiting: a need, often without accents, sometimes misspelt
    case("douche", SHOWERS, SHOWERS),
    case("douches", SHOWERS, SHOWERS),
    case("se laver", SHOWERS, SHOWERS),
    case("hebergement urgence", HOUSING, HOUSING),
    case("hébergement d'urgence", HOUSING, HOUSING),
    case("hebergement ce soir", EMERGENCE),
    case("dormir ce soir", EMERGENCE),
    case("dormir", HOUSING),
    case("manger", FOOD),
    case("manger gratuit", FOOD),
    case("repas chaud", FOOD, FOOD),
    case("alcolisme", sheet("vie-libre")),
    case("alcool", sheet("vie-libre")),
    case("addiction", sheet("vie-libre")),
    case("coiffeur", SHELTER),
    case("sortant de prison", sheet("point-48")),
    case("reparer velo", sheet("atelier-roulage")),
    case("accueil de jour week-end", WEEKEND),
    case("personnes agees", sheet("clic-de-brest")),
    case("logement social", sheet("ccas-de-brest-service-logement")),
    case("papiers caf", sheet("centre-social-de-kerangoff")),
    case("parler la nuit", sheet("lover-pause")),
    # a place by (part of) its name
    case("le phare", SHELTER),
    case("emergence", EMERGENCE),
    case("point kerros", sheet("point-kerros")),
    case("acces aux droits", sheet("point-kerros")),  # before the past « permanence d'accès aux droits »
    # an event by its title: a title still beats a place mentioning the same words
    case("portes ouvertes", event("portes-ouvertes")),
    case("atelier cuisine", {sheet("centre-social-de-kerangoff"), event("atelier-cuisine")},
         {sheet("centre-social-de-kerangoff"), event("atelier-cuisine")}),
    # members looking for the network's own pages
    case("compte rendu reunion mars", page(MARCH), member_only=True),
    case("cr mai", page(MAY), member_only=True),
    case("modele fiche action", page("Modèles/Fiche action"), member_only=True),
    case("numeros utiles", page(NUMBERS)),
    case("aide", page("Aide")),  # the page named so, before the places mentioning « aides »
]

_RESULT = re.compile(r'<h2><a href="([^"]+)">')
_PLACE = re.compile(r'<h3><a href="(/annuaire/[^"]+)">')


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo data folder plus the pages above, and a member account."""
    from app import create_app

    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("relevance") / "data"),
                      "SECRET_KEY": "test", "TESTING": True, "DEMO": True})
    app.extensions["reperes"]["users"].add("anne", ["member"], "anne-password")
    pages = app.extensions["reperes"]["pages"]
    for name, (text, public) in PAGES.items():
        pages.save(name, text, author="anne", meta={"public": public})
    return app


def _client(app, member: bool):
    from tests.conftest import csrf_token

    client = app.test_client()
    if member:
        token = csrf_token(client)
        response = client.post("/login", data={"username": "anne", "password": "anne-password",
                                               "csrf_token": token})
        assert response.status_code == 302
    return client


@pytest.fixture(scope="module")
def visitors(demo):
    return {False: _client(demo, False), True: _client(demo, True)}


def _is(url: str, patterns) -> bool:
    return any(fnmatch.fnmatchcase(url, p) for p in patterns)


def _check(item: Case, found: list[str], who: str, keep=lambda url: True) -> None:
    first = {p for p in item.first if keep(p)}
    top3 = {p for p in item.top3 if keep(p)}
    assert found, f"{who}: {item.q!r} found nothing"
    assert _is(found[0], first), f"{who}: {item.q!r} gave {found[:5]}"
    for pattern in top3:
        assert _is_any(found[:3], pattern), f"{who}: {item.q!r} gave {found[:5]}, no {pattern} in 3"


def _is_any(urls: list[str], pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(u, pattern) for u in urls)


def _who(item: Case) -> list[bool]:
    return [True] if item.member_only else [False, True]


@pytest.mark.parametrize("item", CASES, ids=[c.q for c in CASES])
def test_search_page_puts_the_expected_answer_first(demo, visitors, item):
    for member in _who(item):
        response = visitors[member].get("/recherche", query_string={"q": item.q})
        assert response.status_code == 200
        found = _RESULT.findall(response.get_data(as_text=True))
        _check(item, found, "member" if member else "anonymous")


# the directory lists places only: the cases whose expected first answer is a place
PLACE_CASES = [c for c in CASES if all(u.startswith("/annuaire/") for u in c.first)]


@pytest.mark.parametrize("item", PLACE_CASES, ids=[c.q for c in PLACE_CASES])
def test_directory_lists_the_expected_place_first(demo, visitors, item):
    for member in _who(item):
        response = visitors[member].get("/annuaire/", query_string={"q": item.q})
        assert response.status_code == 200
        found = _PLACE.findall(response.get_data(as_text=True))
        _check(item, found, "member" if member else "anonymous", lambda p: p.startswith("/annuaire/"))


def test_members_pages_stay_out_of_anonymous_results(demo, visitors):
    """The minutes answer members only: anonymous results never show them, whatever the rank."""
    for q in ("compte rendu reunion mars", "douche", "alcoolisme", "kerangoff"):
        html = visitors[False].get("/recherche", query_string={"q": q}).get_data(as_text=True)
        assert "Comptes%20rendus" not in html
        assert "Comptes rendus" not in html
    html = visitors[True].get("/recherche", query_string={"q": "alcoolisme"}).get_data(as_text=True)
    assert page(MARCH) in _RESULT.findall(html)


# ---------------------------------------------------------------- the ranking rules, one by one


def _tiny_index(root, docs: dict[str, dict[str, dict]]):
    """An index over plain stores of JSON documents: {kind: {key: {title, body, tags, extra}}}."""
    import json

    from search import SearchDoc, Source
    from search.index import SearchIndex
    from wiki.store import DocumentStore

    def extract(kind):
        def doc(key, revision):
            data = json.loads(revision.text)
            return SearchDoc(kind=kind, key=key, title=data["title"], url=f"/{kind}/{key}",
                             body=data.get("body", ""), public=True, tags=tuple(data.get("tags", ())),
                             extra=data.get("extra", {}), modified=revision.time)
        return doc

    registry = {kind: Source(kind, DocumentStore(root / kind, fsync=False), extract(kind)) for kind in docs}
    index = SearchIndex(root / "index", lambda: registry, sync=True)
    index.check_at_start()
    for kind, source in registry.items():
        source.store.listeners.append(index.listener(kind))
    with index.batch():
        for kind, items in docs.items():
            for key, data in items.items():
                registry[kind].store.save(key, json.dumps(data), author="t")
    return index


def _day(delta: int) -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=delta)).isoformat()


def test_same_words_put_a_place_first_then_pages_events_contributions(tmp_path):
    same = {"title": "Le Relais", "body": "Douches et laverie le matin."}
    index = _tiny_index(tmp_path, {kind: {"relais": same} for kind in
                                   ("contributions", "events", "pages", "structures")})
    hits = index.search("douche", member=False).hits
    assert [h.kind for h in hits] == ["structures", "pages", "events", "contributions"]
    assert index.search("douche", member=False, kind="events").hits[0].key == "relais"  # still found


def test_a_past_event_comes_after_an_upcoming_one(tmp_path):
    past = {"title": "Atelier vélo", "body": "Réparer son vélo.", "extra": {"start": _day(-8) + "T14:00",
                                                                          "last": _day(-1)}}
    # a weekly workshop that started long ago but still runs is not past
    running = {**past, "extra": {"start": _day(-60) + "T14:00", "last": _day(30)}}
    index = _tiny_index(tmp_path, {"events": {"a-passe": past, "b-en-cours": running}})
    assert [h.key for h in index.search("atelier velo", member=False).hits] == ["b-en-cours", "a-passe"]


def test_a_synonym_in_a_title_does_not_outweigh_the_word_itself(tmp_path):
    """« dormir » (synonyms: hébergement, logement…): the shelter whose need is « Dormir » comes
    before the housing office named « logement » and saying it three times."""
    others = {f"lieu-{i}": {"title": f"Lieu {i}", "tags": ["Être écouté"], "body": "Accueil et écoute."}
              for i in range(12)}
    index = _tiny_index(tmp_path, {"structures": {
        "office": {"title": "Service logement", "tags": ["Se loger"],
                   "body": "Le logement social : demandes de logement, aides au logement."},
        "foyer": {"title": "Foyer du port", "tags": ["Dormir"], "body": "Hébergement pour la nuit."},
        **others,
    }})
    assert [h.key for h in index.search("dormir", member=False).hits] == ["foyer", "office"]
    # the word in a title still weighs more than the same word in a body
    assert index.search("logement", member=False).hits[0].key == "office"


def test_a_name_weighs_more_than_many_mentions_in_a_text(tmp_path):
    others = {f"p{i}": {"title": f"Note {i}", "body": "Réunion du groupe."} for i in range(12)}
    index = _tiny_index(tmp_path, {"pages": {
        "Laverie": {"title": "Laverie", "body": "Horaires et tarifs."},
        "Bilan": {"title": "Bilan de l'hiver",
                  "body": " ".join(["La laverie a bien marché, on reparle de la laverie."] * 5)},
        **others,
    }})
    assert [h.key for h in index.search("laverie", member=False).hits] == ["Laverie", "Bilan"]


def test_directory_keys_fall_back_to_places_having_most_words(tmp_path):
    """A page having every word must not leave the directory empty: its places with most of them."""
    index = _tiny_index(tmp_path, {
        "pages": {"cr": {"title": "Compte rendu", "body": "Où manger gratuit le dimanche."}},
        "structures": {"halte": {"title": "Halte", "body": "Repas chaud, manger ensemble."}},
    })
    assert index.search_ids("structures", "manger gratuit", member=False) == ["halte"]
    everything = index.search("manger gratuit", member=False)  # the search page keeps all words
    assert [h.key for h in everything.hits] == ["cr"]
    assert not everything.partial
    assert index.search_ids("structures", "kwyjibo gratuit", member=False) == []
