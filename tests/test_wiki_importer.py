"""`flask wiki import DIR`: Markdown files become pages, once each, linked and searchable."""

from __future__ import annotations

from wiki.importer import import_folder, markdown_files
from wiki.store import DocumentStore


def _write(folder, files: dict[str, str | bytes]):
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def test_each_file_becomes_a_page_named_after_it(tmp_path):
    src = _write(tmp_path / "src", {"Accueil.md": "# Bonjour\n", "Réunion du 3 mars.md": "Ordre du jour",
                                    "notes.txt": "pas une page", "Projets/Jardin.md": "Semis"})
    store = DocumentStore(tmp_path / "pages")
    report = import_folder(store, src, author="marie")
    assert sorted(report.created) == ["Accueil", "Projets/Jardin", "Réunion du 3 mars"]
    assert store.names() == ["Accueil", "Projets/Jardin", "Réunion du 3 mars"]
    page = store.load("Réunion du 3 mars")
    assert page.text == "Ordre du jour"
    assert page.author == "marie"
    assert page.meta["public"] is False


def test_importing_twice_keeps_one_revision_each(tmp_path):
    src = _write(tmp_path / "src", {"A.md": "un", "B.md": "deux\r\nlignes\r\n"})
    store = DocumentStore(tmp_path / "pages")
    import_folder(store, src)
    again = import_folder(store, src)
    assert again.changed == []
    assert sorted(again.unchanged) == ["A", "B"]
    assert [r.number for r in store.revisions("A")] == [1]
    assert [r.number for r in store.revisions("B")] == [1]
    assert store.load("B").text == "deux\nlignes\n"


def test_a_changed_file_adds_one_revision(tmp_path):
    src = _write(tmp_path / "src", {"A.md": "un"})
    store = DocumentStore(tmp_path / "pages")
    import_folder(store, src)
    (src / "A.md").write_text("un et demi", encoding="utf-8")
    report = import_folder(store, src)
    assert report.updated == ["A"]
    assert store.load("A").text == "un et demi"
    assert store.load("A").number == 2


def test_public_flag_is_set_and_kept(tmp_path):
    src = _write(tmp_path / "src", {"A.md": "un"})
    store = DocumentStore(tmp_path / "pages")
    import_folder(store, src, public=True)
    assert store.load("A").meta["public"] is True
    report = import_folder(store, src)  # without --public: a public page stays public
    assert report.unchanged == ["A"]
    assert store.load("A").meta["public"] is True


def test_bad_files_are_refused_with_a_reason_and_the_rest_imported(tmp_path):
    src = _write(tmp_path / "src", {"ok.md": "bien", "latin1.md": "caf\xe9".encode("latin-1"),
                                    ".cache/hidden.md": "caché"})
    store = DocumentStore(tmp_path / "pages")
    report = import_folder(store, src)
    assert report.created == ["ok"]
    assert report.refused == [("latin1.md", "le fichier n'est pas en UTF-8")]
    assert [p.name for p in markdown_files(src)] == ["latin1.md", "ok.md"]


def test_paused_listeners_miss_the_import_and_come_back(tmp_path):
    src = _write(tmp_path / "src", {"A.md": "un", "B.md": "deux"})
    store = DocumentStore(tmp_path / "pages")
    seen, followed = [], []
    store.listeners += [seen.append, followed.append]
    import_folder(store, src, paused=[seen.append])
    assert seen == []
    assert [c.name for c in followed] == ["A", "B"]
    assert store.listeners == [seen.append, followed.append]


def test_cli_imports_links_and_indexes(app, runner, client, tmp_path):
    src = _write(tmp_path / "src", {"Hébergement d'urgence.md": "Le 115 répond. Voir [[Accueil de jour]].",
                                    "Accueil de jour.md": "Douches et café."})
    result = runner.invoke(args=["wiki", "import", str(src), "--public", "--author", "migration"])
    assert result.exit_code == 0, result.output
    assert "2 pages créées" in result.output
    store = app.extensions["reperes"]["pages"]
    assert store.load("Accueil de jour").author == "migration"
    links = app.extensions["reperes"]["page_links"]
    assert links.backlinks("Accueil de jour") == ["Hébergement d'urgence"]
    html = client.get("/recherche?q=hebergement").get_data(as_text=True)
    assert "/wiki/H%C3%A9bergement%20d%27urgence" in html
    page = client.get("/wiki/Accueil de jour")
    assert page.status_code == 200  # public: readable without logging in
    again = runner.invoke(args=["wiki", "import", str(src)])
    assert "0 pages créées, 0 mises à jour, 2 inchangées" in again.output
    assert store.load("Accueil de jour").number == 1


def test_cli_private_by_default(app, runner, client, auth, tmp_path):
    src = _write(tmp_path / "src", {"Interne.md": "réservé aux membres"})
    assert runner.invoke(args=["wiki", "import", str(src)]).exit_code == 0
    assert client.get("/wiki/Interne").status_code in (302, 401)
    assert "/wiki/Interne" not in client.get("/recherche?q=reserve").get_data(as_text=True)
    auth.login()
    assert "/wiki/Interne" in client.get("/recherche?q=reserve").get_data(as_text=True)


def test_cli_refuses_a_missing_or_empty_folder(runner, tmp_path):
    missing = runner.invoke(args=["wiki", "import", str(tmp_path / "absent")])
    assert missing.exit_code != 0
    (tmp_path / "vide").mkdir()
    empty = runner.invoke(args=["wiki", "import", str(tmp_path / "vide")])
    assert empty.exit_code != 0
    assert "Aucun fichier .md" in empty.output
