"""The /annuaire/ filters as pure functions (the plain text match used when no index answers)."""

from dataclasses import replace
from datetime import date, datetime

from directory import demo
from directory.finder import Filters, apply, group_by_category, neighbourhoods, sheet_needs
from directory.hours import PARIS
from directory.sheet import Service

SHEETS = [replace(s, slug=f"s{i}", status="publiee") for i, s in enumerate(demo.sheets(date(2026, 3, 1)))]
NOW = datetime(2026, 3, 2, 10, tzinfo=PARIS)


def found(**args) -> list[str]:
    return [s.name for s in apply(SHEETS, Filters.from_args(args), NOW)]


def test_text_match_ignores_accents_case_and_word_order():
    assert found(q="KERANGOFF") == ["Centre social de Kérangoff"]
    assert found(q="prison sortants") == ["Point 48"]
    assert found(q="hébergement chrs") == ["Emergence", "AFTAM Louis Guilloux"]


def test_pro_line_is_searched_for_members_only():
    f = Filters.from_args({"q": "astreinte"})
    assert apply(SHEETS, f, NOW) == []
    assert [s.name for s in apply(SHEETS, f, NOW, member=True)] == ["Emergence"]


def test_ranked_results_keep_the_index_order_and_still_apply_filters():
    order = ["s4", "s0", "s5"]  # Emergence, Agheb, AFTAM
    f = Filters.from_args({"q": "n'importe", "accessible": "1"})
    result = apply(SHEETS, f, NOW, ranked=lambda q: order)
    assert [s.slug for s in result] == ["s4", "s0"]  # AFTAM is not step-free


def test_ranked_none_falls_back_to_the_text_match():
    f = Filters.from_args({"q": "coiffure"})
    assert [s.name for s in apply(SHEETS, f, NOW, ranked=lambda q: None)] == ["Agheb / Le Phare"]


def test_service_filters_apply_to_one_same_service():
    # Le Phare has free showers and a paying meal: "manger" + "gratuit" must not find it.
    assert "Agheb / Le Phare" not in found(besoin="manger", gratuit="1")
    assert "Agheb / Le Phare" in found(besoin="se-laver", gratuit="1")


def test_accueil_inconditionnel_matches_every_public():
    sheet = replace(SHEETS[0], services=(Service("Accueil", publics=("tous-publics",)),))
    assert apply([sheet], Filters.from_args({"public": "femmes"}), NOW) == [sheet]


def test_filters_round_trip_to_query_args():
    f = Filters.from_args({"besoin": "se-laver", "ouvert": "maintenant", "gratuit": "1", "x": "y"})
    assert f.args() == {"besoin": "se-laver", "ouvert": "maintenant", "gratuit": "1"}
    assert f.args(ouvert="") == {"besoin": "se-laver", "gratuit": "1"}
    assert not Filters.from_args({}).active()


def test_neighbourhoods_and_needs_for_the_page():
    assert "Saint-Pierre" in neighbourhoods(SHEETS)
    assert [n.slug for n in sheet_needs(SHEETS[0])][:3] == ["manger", "se-laver", "se-soigner"]
    groups = group_by_category(SHEETS)
    assert groups[0][0] == "manger"
    assert all(members for _slug, _label, members in groups)
