"""Plain-text helpers: Markdown stripping, dates, synonyms file, typo edits, snippets."""

from __future__ import annotations

import pytest

from search.text import (
    DEFAULT_SYNONYMS,
    edit_distance,
    expand_dates,
    fold,
    highlight,
    make_snippet,
    one_edit,
    parse_synonyms,
    plain_text,
)


def test_fold_drops_case_accents_and_ligatures():
    assert fold("Hébergement CŒUR Ça") == "hebergement coeur ca"


def test_plain_text_keeps_words_and_drops_markup():
    md = "# Titre\n\n- [x] **gras** et [lien](https://x.fr/a) vers [[Page|la page]]\n![photo](a.png)\n```\ncode\n```"
    text = plain_text(md)
    assert "Titre" in text
    assert "gras" in text
    assert "lien" in text
    assert "la page" in text
    assert "photo" in text
    assert "https" not in text
    assert "*" not in text
    assert "#" not in text
    assert "[" not in text


def test_dates_give_month_names():
    assert expand_dates("Réunion 2026-03-10") == "mars 2026"
    assert expand_dates("le 12/11/2025 et 2024-02") == "février 2024 novembre 2025"
    assert expand_dates("2026-13-01 ou 99/99/2026") == ""


def test_default_synonyms_parse_without_errors():
    table, errors = parse_synonyms(DEFAULT_SYNONYMS)
    assert errors == []
    assert table["douche"] == ["hygiène", "se laver", "bain-douche"]
    assert "hébergement" in table["dormir"]


@pytest.mark.parametrize(("text", "line"), [
    ("douche hygiène", 1),
    ("# commentaire\n\nmanger ->", 3),
    ("a -> b\n-> repas", 2),
])
def test_bad_synonym_lines_are_reported_with_their_number(text, line):
    _table, errors = parse_synonyms(text)
    assert [e.line for e in errors] == [line]
    assert errors[0].message


def test_one_edit_covers_the_four_kinds_of_typo():
    edits = one_edit("alcolisme")
    assert "alcoolisme" in edits          # a letter missing
    assert "alcolime" in edits            # a letter too many
    assert "aclolisme" in edits           # two letters swapped
    assert "alcolusme" in edits           # a wrong letter
    assert "alcolisme" not in edits


def test_edit_distance():
    assert edit_distance("alcolisme", "alcoolisme") == 1
    assert edit_distance("", "abc") == 3
    assert edit_distance("douche", "douche") == 0


def test_highlight_marks_only_matching_words():
    parts = highlight("Accueil de jour", lambda w: w.lower() == "jour")
    assert parts == [("Accueil de ", False), ("jour", True)]


def test_snippet_is_the_passage_with_the_matches():
    text = "Début sans intérêt. " * 40 + "Ici on trouve des douches et une laverie. " + "Fin. " * 40
    parts = make_snippet(text, lambda w: w.lower() in {"douches", "laverie"}, width=120)
    joined = "".join(p for p, _ in parts)
    assert joined.startswith("… ")
    assert joined.endswith(" …")
    assert [p for p, mark in parts if mark] == ["douches", "laverie"]
    assert len(joined) < 140


def test_snippet_with_prefixes_finds_accented_forms():
    parts = make_snippet("Un HÉBERGEMENT d'urgence, des hébergés.", lambda w: fold(w).startswith("heberg"),
                         prefixes={"heberg"})
    assert [p for p, mark in parts if mark] == ["HÉBERGEMENT", "hébergés"]


def test_snippet_without_match_is_the_beginning():
    parts = make_snippet("mot " * 200, lambda w: False, width=50)
    assert parts[0][0].startswith("mot mot")
    assert parts[0][0].endswith(" …")
    assert not any(mark for _p, mark in parts)
    assert make_snippet("", lambda w: True) == [("", False)]
