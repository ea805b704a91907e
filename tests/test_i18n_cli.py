"""`flask --app app <command> --help` (and the wiki import report) in French or English, chosen
like any command-line tool from LC_ALL / LC_MESSAGES / LANG; French when nothing asks for English."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from i18n import cli_language
from tests.test_i18n_english_pages import french_words

FRENCH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "fr_FR.UTF-8"}
ENGLISH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_GB.UTF-8"}
# click's own words ("Usage:", "Show this message and exit.") are English in both languages
CLICK_WORDS = ("Usage:", "Options:", "Commands:", "Show this message and exit.")


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "fr"),
    ({"LANG": "C.UTF-8"}, "fr"),
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "en_US"}, "en"),
    ({"LANG": "en_GB.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr"),   # LC_ALL wins
    ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "fr"),
])
def test_the_language_comes_from_the_standard_environment(environ, expected):
    assert cli_language(environ) == expected


def _commands(app) -> list[tuple[str, ...]]:
    """Every command of the application (groups and their subcommands), as argument paths."""
    found = []

    def walk(command, path):
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    for name, command in app.cli.commands.items():
        walk(command, (name,))
    return found


def test_every_command_is_listed(app):
    paths = _commands(app)
    for expected in [("backup",), ("restore",), ("check",), ("reindex",), ("user", "add"),
                     ("user", "reset-password"), ("purge-person",), ("stats",), ("wiki", "import"),
                     ("directory", "import")]:
        assert expected in paths


def _help(runner, path, environ) -> str:
    result = runner.invoke(args=[*path, "--help"], env=environ)
    assert result.exit_code == 0, result.output
    text = result.output
    for words in CLICK_WORDS:
        text = text.replace(words, " ")
    return text


def test_each_command_help_in_french_and_in_english(app, runner):
    wrong = []
    for path in _commands(app):
        french = _help(runner, path, FRENCH)
        english = _help(runner, path, ENGLISH)
        command = app.cli
        for name in path:
            command = command.commands[name]
        if not command.help:
            wrong.append((path, "no help"))
            continue
        if not french_words(french):
            wrong.append((path, "French help has no French", french))
        if french_words(english):
            wrong.append((path, "French in the English help", french_words(english), english))
        if french == english:
            wrong.append((path, "same help in both languages"))
    assert wrong == []


def test_option_helps_follow_the_language(runner):
    english = runner.invoke(args=["user", "add", "--help"], env=ENGLISH).output
    french = runner.invoke(args=["user", "add", "--help"], env=FRENCH).output
    assert "Read the password from standard input." in english
    assert "Lire le mot de passe sur l'entrée standard." in french
    assert "entrée standard" not in english


def test_french_by_default_and_back_again(runner):
    """Without any language variable the help is French; English then French in one process."""
    assert "Gérer les comptes des membres." in runner.invoke(
        args=["user", "--help"], env={"LC_ALL": None, "LC_MESSAGES": None, "LANG": None}).output
    assert "Manage member accounts." in runner.invoke(args=["user", "--help"], env=ENGLISH).output
    assert "Gérer les comptes des membres." in runner.invoke(args=["user", "--help"], env=FRENCH).output


def test_the_top_level_list_shows_short_helps_in_the_language(app):
    from flask.cli import FlaskGroup, ScriptInfo

    group = FlaskGroup(create_app=lambda: app)
    info = ScriptInfo(create_app=lambda: app)
    runner = CliRunner()
    english = runner.invoke(group, ["--help"], obj=info, env=ENGLISH).output
    french = runner.invoke(group, ["--help"], obj=info, env=FRENCH).output
    assert "Manage member accounts." in english
    assert "Gérer les comptes des membres." in french


def test_the_wiki_import_report_in_english(runner, tmp_path):
    folder = tmp_path / "md"
    folder.mkdir()
    (folder / "Réunion.md").write_text("# Réunion\n", encoding="utf-8")
    (folder / "bad.md").write_bytes(b"\xff\xfe\xfa")
    english = runner.invoke(args=["wiki", "import", str(folder)], env=ENGLISH)
    assert "1 pages created, 0 updated, 0 unchanged, 1 refused." in english.output
    assert "Refused: bad.md (the file is not UTF-8)" in english.output
    again = runner.invoke(args=["wiki", "import", str(folder)], env=FRENCH)
    assert "0 pages créées, 0 mises à jour, 1 inchangées, 1 refusées." in again.output


def test_command_messages_follow_the_language(runner):
    english = runner.invoke(args=["user", "add", "zoe"], env=ENGLISH)
    assert "Account “zoe” created (roles: member)." in english.output
    assert "Password: " in english.output
    french = runner.invoke(args=["user", "disable", "zoe"], env=FRENCH)
    assert "Compte « zoe » désactivé." in french.output
    listed = runner.invoke(args=["user", "list"], env=ENGLISH).output
    assert "zoe\tmember\tdeactivated" in listed
    assert "No problem found." in runner.invoke(args=["check"], env=ENGLISH).output
    assert "Aucun problème trouvé." in runner.invoke(args=["check"], env=FRENCH).output
    stats = runner.invoke(args=["stats"], env=ENGLISH).output
    assert "Wiki pages: 0" in stats
    assert not french_words(stats)
    missing = runner.invoke(args=["purge-person", "Personne", "--yes"], env=ENGLISH)
    assert missing.exit_code != 0
    assert "No nickname “Personne”." in missing.output


def test_the_directory_import_report_in_english(runner, tmp_path):
    bad = tmp_path / "fiches.csv"
    bad.write_text("nom,inconnue\n;;;\n", encoding="utf-8")
    english = runner.invoke(args=["directory", "import", str(bad), "--dry-run"], env=ENGLISH)
    assert english.exit_code == 1
    # column names are the CSV's own (French) identifiers
    assert "Unknown column: « inconnue ». Possible columns: identifiant, nom," in english.output
    assert "Summary: 0 creation, 0 update, 0 unchanged, 0 error" in english.output
    assert "Nothing was imported: correct the file and try again." in english.output
    french = runner.invoke(args=["directory", "import", str(bad), "--dry-run"], env=FRENCH)
    assert "Colonne inconnue : « inconnue »." in french.output


def test_the_check_report_in_english(app, runner):
    from pathlib import Path

    from wiki.store import TEMP_PREFIX

    data = Path(app.config["DATA_DIR"])
    (data / f"{TEMP_PREFIX}oubli").write_text("x", encoding="utf-8")
    (data / "users" / "bizarre.json").write_text("{}", encoding="utf-8")
    english = runner.invoke(args=["check"], env=ENGLISH)
    assert english.exit_code == 1
    assert f"- [stray-temp] {TEMP_PREFIX}oubli: forgotten temporary file (can be repaired with --repair)" \
        in english.output
    assert "- [user-invalid] users/bizarre.json: unreadable (TypeError)" in english.output
    assert "2 problem(s): forgotten temporary file; invalid account file." in english.output
    french = runner.invoke(args=["check"], env=FRENCH)
    assert "- [user-invalid] users/bizarre.json : illisible (TypeError)" in french.output
    assert "2 problème(s) : fichier temporaire oublié ; fichier de compte invalide." in french.output


def test_a_refused_restore_says_why_in_english(runner, tmp_path):
    archive = tmp_path / "pas-une-sauvegarde.tar.gz"
    archive.write_bytes(b"not a tar file")
    english = runner.invoke(args=["restore", str(archive), str(tmp_path / "target")], env=ENGLISH)
    assert english.exit_code != 0
    assert "Restore refused: Unreadable or truncated archive:" in english.output
    french = runner.invoke(args=["restore", str(archive), str(tmp_path / "target")], env=FRENCH)
    assert "Restauration refusée : Archive illisible ou tronquée :" in french.output
