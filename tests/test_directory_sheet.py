"""The structure sheet: JSON round trip, validation messages, slugs, store, review (tmp_path only)."""

from dataclasses import replace
from datetime import date

import pytest

from directory import demo
from directory.hours import Closure, Hours, Slot
from directory.sheet import (
    Phone,
    Service,
    Sheet,
    SheetError,
    StaleSheet,
    all_sheets,
    from_json,
    load,
    mark_reviewed,
    pending_review,
    save,
    to_json,
    validate,
)
from wiki.store import DocumentStore


def full_sheet(**changes) -> Sheet:
    sheet = Sheet(
        slug="", name="Agheb / Le Phare", presentation="Accueil de jour.", structure_type="ASSO",
        address="12 rue de Siam", postcode="29200", town="Brest", insee="29019",
        latitude=48.3889, longitude=-4.4905, neighbourhood="Centre-ville", transport="Tram A",
        step_free="oui", animals="non",
        phones=(Phone("02 98 00 00 01", "accueil"), Phone("+33 6 00 00 00 00", "urgence")),
        email="accueil@exemple.org", website="https://exemple.org", pro_contact="ligne pro",
        hours=Hours(days=((Slot("09:00", "12:00"),),) * 5 + ((), ()), holidays="ferme",
                    closures=(Closure("2026-03-03", "2026-03-14", "travaux"),)),
        services=(Service("Douches", "Douches chaudes.", ("sante--acces-aux-soins",), "aide-materielle",
                          ("tous-publics",), "", ("sans-rdv",), "", "", "gratuit", "",
                          Hours(days=((Slot("09:00", "11:00"),),) + ((),) * 6), ("fr", "ar"),
                          ("se-laver",)),),
        updated="2026-01-10", status="publiee", referents=("anne",),
    )
    return replace(sheet, **changes)


def test_json_round_trip_keeps_everything():
    sheet = full_sheet(slug="agheb-le-phare")
    assert from_json(to_json(sheet)) == sheet
    assert to_json(sheet).count("\n") > 30  # one field per line: readable diffs


def test_full_sheet_is_valid():
    assert validate(full_sheet()) == {}


@pytest.mark.parametrize(("changes", "key", "words"), [
    ({"name": ""}, "name", "obligatoire"),
    ({"name": "AB"}, "name", "au moins 3"),
    ({"name": "!!!"}, "name", "lettre ou un chiffre"),
    ({"phones": (Phone("zéro deux quatre-vingt-dix-huit"),)}, "phone-0-number", "chiffres"),
    ({"phones": (Phone("02 98 00"),)}, "phone-0-number", "10 chiffres"),
    ({"email": "accueil.exemple.org"}, "email", "@"),
    ({"email": "accueil@exemple"}, "email", "pas valide"),
    ({"website": "exemple.org"}, "website", "https://"),
    ({"postcode": "2920"}, "postcode", "5 chiffres"),
    ({"insee": "ABCDE"}, "insee", "INSEE"),
    ({"latitude": 40.7, "longitude": -74.0}, "latitude", "hors de France"),
    ({"latitude": -4.49, "longitude": 48.39}, "latitude", "hors de France"),
    ({"latitude": 48.39, "longitude": None}, "latitude", "aucune des deux"),
    ({"latitude": 120.0, "longitude": 3.0}, "latitude", "impossibles"),
    ({"step_free": "peut-être"}, "step_free", "oui, non"),
    ({"status": "supprimée"}, "status", "statut"),
    ({"structure_type": "XYZ"}, "structure_type", "liste"),
    ({"referents": ("Anne Dupont",)}, "referents", "identifiant"),
])
def test_bad_fields_get_a_french_message_next_to_the_field(changes, key, words):
    errors = validate(full_sheet(**changes))
    assert key in errors
    assert words in errors[key]


def test_coordinates_in_overseas_departments_are_in_france():
    assert "latitude" not in validate(full_sheet(latitude=-21.1, longitude=55.5))


def test_service_errors_are_prefixed_and_explained():
    bad = Service("Do", "x", ("pas-une-thematique",), "type-inconnu", ("tous-publics", "femmes"),
                  access=("a-la-nage",), price="cher", languages=("klingon",), needs=("voler",))
    errors = validate(full_sheet(services=(full_sheet().services[0], bad)))
    assert "svc-0-name" not in errors
    assert "au moins 3" in errors["svc-1-name"]
    assert "au moins 5" in errors["svc-1-description"]
    assert "pas-une-thematique" in errors["svc-1-thematiques"]
    assert "liste" in errors["svc-1-type"]
    assert "Tous publics" in errors["svc-1-publics"]
    assert "a-la-nage" in errors["svc-1-access"]
    assert "gratuit" in errors["svc-1-price"]
    assert "klingon" in errors["svc-1-languages"]
    assert "voler" in errors["svc-1-needs"]


def test_hours_errors_are_keyed_for_the_form():
    sheet = full_sheet(hours=Hours(days=((Slot("14:00", "12:00"),),) + ((),) * 6))
    assert "hours-day-0-0" in validate(sheet)
    service = replace(full_sheet().services[0], hours=Hours(days=((Slot("9", "12:00"),),) + ((),) * 6))
    assert "svc-0-hours-day-0-0" in validate(full_sheet(services=(service,)))


def test_create_uses_the_slug_of_the_name_and_keeps_it_on_rename(tmp_path):
    store = DocumentStore(tmp_path)
    rev = save(store, full_sheet(), author="anne", create=True, today=date(2026, 3, 1))
    assert rev.name == "agheb-le-phare"
    sheet, _ = load(store, "agheb-le-phare")
    assert sheet.updated == "2026-03-01"
    save(store, replace(sheet, name="Le Phare (Agheb)"), author="anne", base_rev=rev.number)
    renamed, revision = load(store, "agheb-le-phare")
    assert renamed.name == "Le Phare (Agheb)"
    assert revision.number == 2
    assert store.names() == ["agheb-le-phare"]


def test_duplicate_slug_is_refused(tmp_path):
    store = DocumentStore(tmp_path)
    save(store, full_sheet(), author="anne", create=True)
    with pytest.raises(SheetError) as caught:
        save(store, full_sheet(name="AGHEB — le phare !"), author="bob", create=True)
    assert "/annuaire/agheb-le-phare" in caught.value.errors["name"]
    assert len(store.revisions("agheb-le-phare")) == 1


@pytest.mark.parametrize("name", ["Guide", "Export", "Nouvelle"])
def test_reserved_slugs_are_refused(tmp_path, name):
    with pytest.raises(SheetError) as caught:
        save(DocumentStore(tmp_path), full_sheet(name=name), author="anne", create=True)
    assert "réservé" in caught.value.errors["name"]


def test_invalid_sheet_writes_nothing(tmp_path):
    store = DocumentStore(tmp_path)
    with pytest.raises(SheetError):
        save(store, full_sheet(email="sans-arobase"), author="anne", create=True)
    assert store.names() == []
    save(store, full_sheet(), author="anne", create=True)
    sheet, _ = load(store, "agheb-le-phare")
    with pytest.raises(SheetError):
        save(store, replace(sheet, email="sans-arobase"), author="anne")
    assert len(store.revisions("agheb-le-phare")) == 1


def test_stale_form_is_refused_not_merged(tmp_path):
    store = DocumentStore(tmp_path)
    first = save(store, full_sheet(), author="anne", create=True)
    sheet, _ = load(store, "agheb-le-phare")
    save(store, replace(sheet, transport="Bus 5"), author="bob", base_rev=first.number)
    with pytest.raises(StaleSheet) as caught:
        save(store, replace(sheet, transport="Tram"), author="anne", base_rev=first.number)
    assert caught.value.current == 2
    assert load(store, "agheb-le-phare")[0].transport == "Bus 5"


def test_staleness_after_the_configured_days():
    sheet = full_sheet(updated="2026-01-01")
    assert not sheet.is_stale(date(2026, 6, 1), 183)
    assert sheet.is_stale(date(2026, 7, 10), 183)
    assert full_sheet(updated="").is_stale(date(2026, 1, 2), 183)


def test_changes_by_others_wait_for_a_referent(tmp_path):
    store = DocumentStore(tmp_path)
    save(store, full_sheet(), author="anne", create=True)
    sheet, _ = load(store, "agheb-le-phare")
    assert pending_review(store, "agheb-le-phare", sheet.referents) == []
    save(store, replace(sheet, transport="Bus 5"), author="bob")
    pending = pending_review(store, "agheb-le-phare", sheet.referents)
    assert [r.author for r in pending] == ["bob"]
    mark_reviewed(store, "agheb-le-phare", author="anne")
    assert pending_review(store, "agheb-le-phare", sheet.referents) == []
    sheet, _ = load(store, "agheb-le-phare")
    save(store, replace(sheet, transport="Bus 6"), author="bob")
    assert len(pending_review(store, "agheb-le-phare", sheet.referents)) == 1
    # The référent's own edit counts as a review of what came before.
    sheet, _ = load(store, "agheb-le-phare")
    save(store, replace(sheet, transport="Bus 7"), author="anne")
    assert pending_review(store, "agheb-le-phare", sheet.referents) == []


def test_demo_sheets_are_valid_examples(tmp_path):
    for sheet in demo.sheets(date(2026, 3, 1)):
        assert validate(replace(sheet, slug="x", status="publiee")) == {}, sheet.name
        assert "à vérifier" in sheet.presentation


def test_all_sheets_sorted_by_folded_name(tmp_path):
    store = DocumentStore(tmp_path)
    for name in ("Émergence", "Atelier Roulage", "vie libre"):
        save(store, full_sheet(name=name), author="anne", create=True)
    assert [s.name for s in all_sheets(store)] == ["Atelier Roulage", "Émergence", "vie libre"]


def test_sheets_in_memory_share_equal_hours_and_codes(tmp_path):
    # Every worker keeps all sheets parsed: equal hours, slots and code lists are one object.
    store = DocumentStore(tmp_path)
    for name in ("Émergence", "Atelier Roulage"):
        save(store, full_sheet(name=name), author="anne", create=True)
    first, second = all_sheets(store)
    assert first.hours == second.hours
    assert first.hours is second.hours
    assert first.services[0].thematiques is second.services[0].thematiques
    assert first.town is second.town
    assert first.name != second.name
    # A sheet edited later gets its own hours; the other one keeps its own.
    sheet, _rev = load(store, "emergence")
    save(store, replace(sheet, hours=Hours()), author="anne")
    assert {s.name: s.hours.known for s in all_sheets(store)} == {"Atelier Roulage": True, "Émergence": False}
