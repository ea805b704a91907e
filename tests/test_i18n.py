"""The English catalogue: complete, compiled, and used when a visitor asks for English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
POT = ROOT / "translations" / "messages.pot"
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|%%")


def _catalog(path):
    with open(path, "rb") as fh:
        return read_po(fh) if path.suffix in (".po", ".pot") else read_mo(fh)


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalog = _catalog(PO)
    entries = [m for m in catalog if m.id]
    assert len(entries) > 1000
    untranslated = [m.id for m in entries if not all(s.strip() for s in _strings(m))]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert not catalog.fuzzy


def test_placeholders_and_plural_forms_are_kept():
    catalog = _catalog(PO)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = _strings(message)
        assert len(strings) == (2 if message.pluralizable else 1), message.id
        for msgid, msgstr in zip(ids, strings, strict=False):
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        if message.python_format:
            python_format(catalog, message)  # raises TranslationError on a mismatch
        # Markdown and HTML fragments survive the translation.
        for token in ("**", "[[", "](attachment:", "<<<<<<<", "https://", "#"):
            if token in ids[0]:
                assert token in strings[0], (message.id, token)


def test_catalogue_matches_the_template_and_the_compiled_file():
    template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _catalog(POT) if m.id}
    po = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in _catalog(PO) if m.id}
    assert template <= set(po), sorted(map(str, template - set(po)))[:5]
    compiled = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in _catalog(MO) if m.id}
    assert set(compiled) == set(po), "run scripts/i18n: the .mo is older than the .po"
    for key, message in po.items():
        assert _strings(compiled[key]) == _strings(message), key


def test_a_known_entry_is_translated():
    po = {m.id: m for m in _catalog(PO) if m.id}
    assert po["Se connecter"].string == "Log in"
    assert po[("%(num)d résultat", "%(num)d résultats")].string == ("%(num)d result", "%(num)d results")


PAGES = [
    # url, English words that must show, French words that must not
    ("/wiki/Accueil", ["Skip to content", "Log in"], ["Aller au contenu", "Se connecter"]),
    ("/login", ["Member login", "Password", "Log in"], ["Mot de passe", "Connexion des membres"]),
    ("/annuaire/", ["Show places", "Open now", "All needs"], ["Voir les lieux", "Tous les besoins"]),
    ("/recherche?q=douche", ["No results for", "Search words"], ["Aucun résultat pour", "Mots recherchés"]),
    ("/agenda/", ["This week", "Filter the events"], ["Cette semaine", "Filtrer l'agenda"]),
]


@pytest.mark.parametrize(("url", "english", "french"), PAGES)
def test_pages_in_english(client, url, english, french):
    sep = "&" if "?" in url else "?"
    html = client.get(f"{url}{sep}lang=en").get_data(as_text=True)
    assert '<html lang="en"' in html
    for words in english:
        assert words in html, (url, words)
    for words in french:
        assert words not in html, (url, words)


@pytest.mark.parametrize("url", [page[0] for page in PAGES])
def test_pages_in_french_by_default(client, url):
    html = client.get(url).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Aller au contenu" in html
    assert "Skip to content" not in html


def test_the_choice_is_remembered_and_can_be_undone(client):
    client.get("/login?lang=en")
    assert "Member login" in client.get("/login").get_data(as_text=True)
    html = client.get("/login?lang=fr").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Connexion des membres" in html


def test_an_unknown_language_falls_back_to_french(client):
    html = client.get("/login?lang=xx").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Connexion des membres" in html
    assert client.get_cookie("lang") is None


def test_logged_in_pages_in_english(client, auth):
    auth.login("admin")
    html = client.get("/compte?lang=en").get_data(as_text=True)
    assert "My account" in html
    assert "Change my password" in html
    assert "Log out" in client.get("/wiki/?lang=en").get_data(as_text=True)
