"""Open data: CSV and data·inclusion exports (schema-checked), imports (dry run, all or nothing,
idempotent), formulas neutralised, and the `flask directory` CLI."""

import csv
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from directory import demo
from directory.export import (
    CSV_COLUMNS,
    import_file,
    neutralise,
    parse_csv,
    published,
    run_import,
    to_csv,
    to_datainclusion,
)
from directory.sheet import Sheet, all_sheets, load, save, to_json
from wiki.store import DocumentStore

SCHEMA_DIR = Path(__file__).parent.parent / "directory" / "reference"
TODAY = date(2026, 3, 1)


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def demo_store(path) -> DocumentStore:
    store = DocumentStore(path)
    for sheet in demo.sheets(TODAY):
        save(store, replace(sheet, status="publiee", updated="2026-02-01"), author="demo",
             create=True, confirm=False)
    return store


def test_every_exported_record_validates_against_the_v1_json_schema(tmp_path):
    data = to_datainclusion(published(demo_store(tmp_path)), "reperes-brest",
                            "https://reperes.example.org")
    assert len(data["structures"]) == len(demo.sheets(TODAY))
    assert len(data["services"]) >= len(data["structures"])
    structure_v, service_v = validator("structure.json"), validator("service.json")
    for record in data["structures"]:
        assert list(structure_v.iter_errors(record)) == [], record["id"]
        assert record["source"] == "reperes-brest"
    for record in data["services"]:
        assert list(service_v.iter_errors(record)) == [], record["id"]
    ids = [s["id"] for s in data["services"]]
    assert len(ids) == len(set(ids))


def test_every_exported_record_validates_with_the_data_inclusion_package(tmp_path):
    from data_inclusion.schema.v1 import Service, Structure

    data = to_datainclusion(published(demo_store(tmp_path)), "reperes-brest")
    for record in data["structures"]:
        Structure.model_validate(record)
    for record in data["services"]:
        Service.model_validate(record)


def test_exported_hours_are_osm_strings_opening_hours_py_reads(tmp_path):
    from opening_hours import validate as osm_valid

    data = to_datainclusion(published(demo_store(tmp_path)), "x")
    hours = [r["horaires_accueil"] for r in data["structures"] + data["services"] if r["horaires_accueil"]]
    assert hours
    assert all(osm_valid(h) for h in hours)


def test_only_published_sheets_are_exported_and_no_private_field(tmp_path):
    store = demo_store(tmp_path)
    sheet, _ = load(store, "point-48")
    save(store, replace(sheet, status="brouillon"), author="anne")
    sheet, _ = load(store, "vie-libre")
    save(store, replace(sheet, status="archivee"), author="anne")
    text = to_csv(published(store))
    assert "Point 48" not in text
    assert "Vie Libre" not in text
    assert "Agheb" in text
    assert "Ligne directe des travailleurs sociaux" not in text  # the pro-only line
    blob = json.dumps(to_datainclusion(published(store), "x"), ensure_ascii=False)
    assert "Point 48" not in blob
    assert "travailleurs sociaux" not in blob


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_cells_are_neutralised(value):
    assert neutralise(value).startswith("'")
    sheet = Sheet(slug="x", name="Lieu", presentation=value)
    row = next(csv.DictReader(io.StringIO(to_csv([sheet]))))
    assert row["presentation"] == "'" + value


def test_csv_round_trip_gives_back_the_same_sheets(tmp_path):
    source = demo_store(tmp_path / "a")
    text = to_csv(published(source))
    target = DocumentStore(tmp_path / "b")
    report = import_file(target, "guide.csv", text.encode(), author="import")
    assert report.ok, report.text()
    assert report.applied
    for sheet in all_sheets(source):
        copy, _ = load(target, sheet.slug)
        assert copy == replace(sheet, pro_contact="", referents=(), photos=(), example=False)


def test_datainclusion_round_trip_keeps_the_essentials(tmp_path):
    source = demo_store(tmp_path / "a")
    text = json.dumps(to_datainclusion(published(source), "reperes-brest"))
    target = DocumentStore(tmp_path / "b")
    report = import_file(target, "export.json", text.encode(), author="import", today=TODAY)
    assert report.ok, report.text()
    assert report.applied
    for sheet in all_sheets(source):
        copy, _ = load(target, sheet.slug)
        assert (copy.name, copy.address, copy.latitude, copy.hours, copy.updated) == \
               (sheet.name, sheet.address, sheet.latitude, sheet.hours, sheet.updated)
        assert [s.name for s in copy.services] == [s.name for s in sheet.services]
        assert [s.thematiques for s in copy.services] == [s.thematiques for s in sheet.services]
        assert [s.access for s in copy.services] == [s.access for s in sheet.services]
        assert [s.price for s in copy.services] == [s.price for s in sheet.services]
        assert [s.languages for s in copy.services] == [s.languages for s in sheet.services]


def test_import_is_idempotent(tmp_path):
    text = to_csv(published(demo_store(tmp_path / "a"))).encode()
    target = DocumentStore(tmp_path / "b")
    first = import_file(target, "g.csv", text, author="import")
    assert {line.action for line in first.lines} == {"création"}
    revisions = {slug: target.current_number(slug) for slug in target.names()}
    again = import_file(target, "g.csv", text, author="import")
    assert again.ok
    assert {line.action for line in again.lines} == {"inchangée"}
    assert {slug: target.current_number(slug) for slug in target.names()} == revisions


def test_import_updates_and_keeps_private_fields(tmp_path):
    store = demo_store(tmp_path)
    sheet, _ = load(store, "point-48")
    save(store, replace(sheet, referents=("anne",), pro_contact="ligne pro"), author="anne")
    rows = list(csv.DictReader(io.StringIO(to_csv(published(store)))))
    for row in rows:
        if row["identifiant"] == "point-48":
            row["transports"] = "Bus 5, arrêt Liberté"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    report = import_file(store, "g.csv", out.getvalue().encode(), author="import")
    assert [(x.slug, x.action) for x in report.lines if x.action != "inchangée"] == \
           [("point-48", "mise à jour")]
    sheet, _ = load(store, "point-48")
    assert sheet.transport == "Bus 5, arrêt Liberté"
    assert sheet.referents == ("anne",)
    assert sheet.pro_contact == "ligne pro"


def test_dry_run_reports_and_writes_nothing(tmp_path):
    text = to_csv(published(demo_store(tmp_path / "a"))).encode()
    target = DocumentStore(tmp_path / "b")
    report = import_file(target, "g.csv", text, author="import", dry_run=True)
    assert report.ok
    assert not report.applied
    assert "Essai à blanc" in report.text()
    assert target.names() == []


def test_wrong_column_is_reported_and_nothing_imported(tmp_path):
    store = DocumentStore(tmp_path)
    text = "nom;adresse;horaire\nLe Phare;12 rue de Siam;lundi\n"
    report = import_file(store, "g.csv", text.encode(), author="import")
    assert not report.ok
    assert "Colonne inconnue" in report.text()
    assert "« horaire »" in report.text()
    assert store.names() == []


def test_missing_name_column_is_reported(tmp_path):
    report = import_file(DocumentStore(tmp_path), "g.csv", b"adresse\n12 rue de Siam\n", author="x")
    assert "Colonne obligatoire absente" in report.text()


def test_one_bad_line_blocks_the_whole_import_and_is_reported_by_line(tmp_path):
    store = DocumentStore(tmp_path)
    text = ("nom,telephones,courriel,latitude,longitude,presentation\n"
            "Le Phare,02 98 00 00 01,accueil@exemple.org,48.39,-4.49,Accueil de jour\n"
            "Point 48,zéro deux,point48.exemple.org,40.7,-74.0,Sortants de prison\n"
            "Vie Libre,02 98 00 00 07,,,,\"=HYPERLINK(\"\"http://mal.example\"\")\"\n")
    report = import_file(store, "g.csv", text.encode(), author="import")
    assert not report.ok
    assert not report.applied
    by_line = {line.line: line for line in report.lines}
    assert by_line[2].action == "création"
    assert by_line[3].action == "erreur"
    messages = " ".join(by_line[3].messages)
    assert "téléphones" in messages
    assert "courriel" in messages
    assert "hors de France" in messages
    assert by_line[4].action == "erreur"
    assert "formule" in " ".join(by_line[4].messages)
    assert "ligne 3" in report.text()
    assert "Rien n'a été importé" in report.text()
    assert store.names() == []


def test_hand_typed_guide_with_negative_longitude_and_semicolons_imports(tmp_path):
    store = DocumentStore(tmp_path)
    text = ("nom;adresse;latitude;longitude;horaires;service_nom;acces;frais\n"
            "Halte accueil;5 rue Le Guyader;48,3958;-4,4862;Sa,Su 09:00-17:00; PH 09:00-17:00;"
            "Repas;sans-rdv;gratuit\n")
    # The hours cell contains a ";" so a real spreadsheet would quote it:
    text = text.replace("Sa,Su 09:00-17:00; PH 09:00-17:00", '"Sa,Su 09:00-17:00; PH 09:00-17:00"')
    report = import_file(store, "guide.csv", text.encode("cp1252"), author="import")
    assert report.ok, report.text()
    sheet, _ = load(store, "halte-accueil")
    assert sheet.longitude == -4.4862
    assert sheet.status == "brouillon"
    assert sheet.hours.holidays == "special"


def test_bad_json_is_reported(tmp_path):
    report = import_file(DocumentStore(tmp_path), "x.json", b"{not json", author="x")
    assert not report.ok
    assert "JSON" in report.text()
    report = import_file(DocumentStore(tmp_path), "x.json", b'{"foo": 1}', author="x")
    assert "structures" in report.text()


def test_duplicate_identifier_in_one_file(tmp_path):
    parsed = parse_csv("identifiant,nom\nle-phare,Le Phare\n")
    records, errors = parsed
    report = run_import(DocumentStore(tmp_path), (records + records, errors), author="x")
    assert not report.ok
    assert "deux fois" in report.text()


# ---------------------------------------------------------------- CLI


def test_cli_export_csv_and_datainclusion(app, runner):
    store = app.extensions["reperes"]["structures"]
    save(store, replace(demo.sheets(TODAY)[0], status="publiee"), author="x", create=True)
    save(store, replace(demo.sheets(TODAY)[1], status="brouillon"), author="x", create=True)
    result = runner.invoke(args=["directory", "export", "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.startswith("identifiant,nom,")
    assert "agheb-le-phare" in result.output
    assert "halte-accueil" not in result.output
    result = runner.invoke(args=["directory", "export", "--format", "datainclusion"])
    data = json.loads(result.output)
    assert [s["id"] for s in data["structures"]] == ["agheb-le-phare"]
    assert data["structures"][0]["source"] == app.config["DIRECTORY_SOURCE"]
    assert runner.invoke(args=["directory", "export", "--format", "xml"]).exit_code != 0


def test_cli_import_dry_run_then_real(app, runner, tmp_path):
    path = tmp_path / "guide.csv"
    path.write_text("nom,adresse\nLe Phare,12 rue de Siam\n", encoding="utf-8")
    store = app.extensions["reperes"]["structures"]
    result = runner.invoke(args=["directory", "import", str(path), "--dry-run"])
    assert result.exit_code == 0
    assert "ligne 2 (le-phare) : création" in result.output
    assert store.names() == []
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 0
    assert "Import terminé" in result.output
    assert store.names() == ["le-phare"]
    bad = tmp_path / "bad.csv"
    bad.write_text("nom,couleur\nX,bleu\n", encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(bad)])
    assert result.exit_code == 1
    assert "Colonne inconnue" in result.output


def test_store_text_is_the_sheet_json(tmp_path):
    store = DocumentStore(tmp_path)
    sheet = replace(demo.sheets(TODAY)[0], status="publiee")
    rev = save(store, sheet, author="x", create=True, today=TODAY)
    assert rev.text == to_json(replace(sheet, slug="agheb-le-phare", updated="2026-03-01"))
