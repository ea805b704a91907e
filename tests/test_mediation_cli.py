"""The evaluation page, the feedback form, CSV, and the `stats`, `purge-person`, `export-person` CLI."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

import search
from admin.erasures import erasers, journal_path, read_journal
from tests.test_mediation_views import (
    Actor,
    add_person,
    open_workshop,
    participant_device,
    send_photo,
    setup_mediation,
    store,
)


@pytest.fixture
def med(app):
    """The app with mediation users and a published sheet « Le Phare »."""
    return setup_mediation(app)


def _published_photo(app):
    mediator = Actor(app, "medi")
    wid = open_workshop(app, mediator)
    pid = add_person(app, mediator, wid, "Soleil")
    cid = send_photo(app, participant_device(app, wid, pid))
    Actor(app, "modo").post(f"/moderation/{cid}", {"action": "publish", "text": "La cour du Phare",
                                                   "alt": "Une cour", "transcript": ""}, f"/moderation/{cid}")
    assert store(app).get(cid).status == "publie"
    return wid, pid, cid


def test_stats_cli_counts_everything(med, runner):
    _published_photo(med)
    result = runner.invoke(args=["stats"])
    assert result.exit_code == 0, result.output
    assert "Contributions : 1" in result.output
    assert "Photo : 1" in result.output
    assert "publié : 1" in result.output
    assert "Le Phare : 1" in result.output
    assert "Atelier photo : 1" in result.output
    assert "Personnes accueillies ayant contribué : 1" in result.output
    assert "Fiches de l'annuaire : 2" in result.output
    rows = list(csv.reader(io.StringIO(runner.invoke(args=["stats", "--csv"]).output)))
    assert rows[0] == ["indicateur", "detail", "valeur"]
    assert ["Contributions par type", "Photo", "1"] in rows
    assert ["Membres contributeurs", "", "2"] in rows  # admin (sheets) and medi


def test_evaluation_page_feedback_and_csv(med):
    _published_photo(med)
    member = Actor(med, "anne")
    page = member.get("/evaluation/").get_data(as_text=True)
    assert "Votre avis sur Repères" in page
    assert "Contributions par structure" in page
    response = member.post("/evaluation/avis", {"text": "", "useful": "9"}, "/evaluation/")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Écrivez votre avis" in body
    assert "de 1 à 5" in body
    response = member.post("/evaluation/avis", {"text": "=HYPERLINK(\"x\") très utile à l'accueil", "useful": "5"},
                           "/evaluation/")
    assert response.status_code == 302
    page = member.get("/evaluation/").get_data(as_text=True)
    assert "très utile à l&#39;accueil" in page
    exported = member.get("/evaluation/export.csv")
    assert exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert "Avis sur Repères" in text
    assert Actor(med).get("/evaluation/export.csv").status_code == 302


def test_purge_person_cli_erases_and_journals(med, runner):
    _wid, pid, cid = _published_photo(med)
    media_id = store(med).get(cid).media["id"]
    assert cid in search.search_ids(med, "contributions", "cour phare", member=False)
    result = runner.invoke(args=["purge-person", "soleil", "--yes"])
    assert result.exit_code == 0, result.output
    assert "effacé" in result.output
    data = Path(med.config["DATA_DIR"])
    assert not (data / "media" / media_id).exists()
    assert not (data / "contributions").joinpath(cid).exists()
    assert store(med).find_participant("Soleil") is None
    assert cid not in search.search_ids(med, "contributions", "cour phare", member=True)
    anonymous = med.test_client()
    assert anonymous.get(f"/galerie/{cid}").status_code == 404
    assert f"/galerie/{cid}" not in anonymous.get("/galerie/").get_data(as_text=True)
    entries = read_journal(journal_path(data))
    assert entries[-1]["target"] == pid
    assert entries[-1]["detail"]["contributions"] == [cid]
    assert "Soleil" not in journal_path(data).read_text()
    audit = "".join(p.read_text() for p in (data / "audit").glob("audit-*.log"))
    assert "participant.erase" in audit
    assert runner.invoke(args=["purge-person", "Soleil", "--yes"]).exit_code != 0


def test_eraser_reapplies_an_erasure_on_restored_data(med, tmp_path):
    _wid, pid, cid = _published_photo(med)
    entry = {"id": "x1", "kind": "participant", "target": pid, "detail": {"contributions": [cid]}}
    assert erasers(med)
    with med.app_context():
        for fn in erasers(med):
            fn(med, entry)
            fn(med, entry)  # idempotent
    assert store(med).get(cid) is None
    assert store(med).participant(pid) is None


def test_admin_exports_and_erases_from_the_web(med):
    _wid, pid, cid = _published_photo(med)
    admin = Actor(med, "admin")
    response = admin.get(f"/atelier/personnes/{pid}/export.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        assert json.loads(zf.read("personne.json"))["pseudonym"] == "Soleil"
        assert any(n.startswith(f"contributions/{cid}/medias/") for n in zf.namelist())
    response = admin.post(f"/atelier/personnes/{pid}/effacer", {"confirm": "Lune"}, f"/atelier/personnes/{pid}")
    assert response.status_code == 303
    assert store(med).participant(pid) is not None
    response = admin.post(f"/atelier/personnes/{pid}/effacer", {"confirm": "soleil"}, f"/atelier/personnes/{pid}")
    assert response.status_code == 302
    assert store(med).participant(pid) is None
    assert store(med).get(cid) is None


def test_export_person_cli_writes_a_zip(med, runner, tmp_path):
    _published_photo(med)
    dest = tmp_path / "export.zip"
    result = runner.invoke(args=["export-person", "Soleil", str(dest)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(dest) as zf:
        assert "personne.json" in zf.namelist()
    assert runner.invoke(args=["export-person", "Personne", str(dest)]).exit_code != 0


def test_demo_folder_has_published_examples(tmp_path):
    from app import create_app

    app = create_app({"DATA_DIR": str(tmp_path / "demo"), "SECRET_KEY": "t", "TESTING": True, "DEMO": True})
    client = app.test_client()
    gallery = client.get("/galerie/").get_data(as_text=True)
    assert gallery.count("(exemple)") == 2
    sheet = client.get("/annuaire/agheb-le-phare").get_data(as_text=True)
    assert "La parole des personnes accueillies" in sheet
    assert "Le café est chaud" in sheet
