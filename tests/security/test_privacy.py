"""Suite 7 — erasing a participant: gone from every revision, media file and thumbnail, the
search index (its segment files' bytes, not only its answers), the exports and later backups;
and still gone after an older backup (taken before the erasure) is restored."""

from __future__ import annotations

import gzip
import re
import tarfile
from pathlib import Path

import pytest

import search
from mediation.model import Consent
from tests.security.world import (
    CANARY_NETWORK,
    CANARY_OTHER_DRAFT,
    CANARY_PROPOSED,
    CANARY_PSEUDONYM,
    Device,
    build_world,
    png,
)

PUBLIC_WORDS = "pingouinviolet"  # in a published, public contribution of the erased person
# Prefixes survive stemming and case folding in the index.
TRACES = [w.lower()[:11].encode() for w in (CANARY_PSEUDONYM, CANARY_OTHER_DRAFT, CANARY_NETWORK,
                                             CANARY_PROPOSED, PUBLIC_WORDS)]


def traces_in_bytes(data: bytes) -> list[str]:
    low = data.lower()
    return [t.decode() for t in TRACES if t in low]


def traces_in_folder(folder: Path) -> dict[str, list[str]]:
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            hits = traces_in_bytes(path.read_bytes())
            if path.suffix == ".gz":
                hits += traces_in_bytes(gzip.decompress(path.read_bytes()))
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def traces_in_archive(archive: Path) -> dict[str, list[str]]:
    found = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                hits = traces_in_bytes(tar.extractfile(member).read())
                if hits:
                    found[member.name] = hits
    return found


@pytest.fixture
def world(tmp_path):
    world = build_world(tmp_path / "data")
    app, ids = world.app, world.ids
    med = app.extensions["reperes"]["mediation"]
    photo = med.create("photo", ids["other_pid"], ids["wid"], "medi", "participant")
    from mediation.uploads import store_media

    with app.test_request_context():
        info = store_media(photo.id, "photo", png(640, 480, "navy"))

    def publish(c):
        c.media, c.text, c.alt = info, f"Photo {PUBLIC_WORDS} au port", "Le port"
        c.consent, c.status = Consent(given=True, scope="public"), "publie"
    med.update(photo.id, publish, "modo")
    app.extensions["reperes"]["search_index"].drain(block=True)
    ids.update(public_photo=photo.id, public_mid=info["id"])
    return world


@pytest.mark.slow
def test_erased_participant_leaves_no_trace_even_after_restoring_an_older_backup(world, tmp_path):
    app, ids, data = world.app, world.ids, world.data
    runner = app.test_cli_runner()
    anonymous, admin = Device(world, "anonymous"), Device(world, "admin")
    # before: everywhere
    assert search.search_ids(app, "contributions", PUBLIC_WORDS, member=False) == [ids["public_photo"]]
    assert anonymous.client.get(f"/galerie/media/{ids['public_mid']}/t320").status_code == 200
    export = admin.client.get(f"/atelier/personnes/{ids['other_pid']}/export.zip")
    assert export.status_code == 200
    assert traces_in_folder(data)
    older = tmp_path / "backups"
    result = runner.invoke(args=["backup", str(older)])
    assert result.exit_code == 0, result.output
    archive = next(older.glob("reperes-backup-*"))
    assert traces_in_archive(archive)

    response = admin.post(f"/atelier/personnes/{ids['other_pid']}/effacer", {"confirm": CANARY_PSEUDONYM})
    assert response.status_code == 302
    app.extensions["reperes"]["search_index"].drain(block=True)

    # after: nowhere in the data folder (revisions, media, thumbnails, logs, index segments)
    assert traces_in_folder(data) == {}
    assert not (data / "media" / "mediation" / ids["public_mid"]).exists()
    for url in (f"/galerie/media/{ids['public_mid']}/t320", f"/galerie/media/{ids['public_mid']}/main",
                f"/galerie/{ids['public_photo']}", f"/atelier/personnes/{ids['other_pid']}/export.zip"):
        assert admin.client.get(url).status_code == 404, url
    assert search.search_ids(app, "contributions", PUBLIC_WORDS, member=True) == []
    for url in ("/galerie/", "/galerie/flux.atom", "/evaluation/export.csv", "/annuaire/le-phare",
                "/annuaire/export.csv", "/annuaire/export/datainclusion.json", "/atelier/personnes",
                f"/atelier/{ids['wid']}", "/moderation/", "/admin/journal"):
        assert traces_in_bytes(admin.client.get(url).data) == [], url
    newer = tmp_path / "backups-after"
    assert runner.invoke(args=["backup", str(newer)]).exit_code == 0
    assert traces_in_archive(next(newer.glob("reperes-backup-*"))) == {}

    # restore the older backup (taken before the erasure): the person is erased again
    restored = tmp_path / "restored"
    result = runner.invoke(args=["restore", str(archive), str(restored)])
    assert result.exit_code == 0, result.output
    assert traces_in_folder(restored) == {}
    from app import create_app

    again = create_app({"DATA_DIR": str(restored), "SECRET_KEY": "security-tests", "TESTING": True})
    again.extensions["reperes"]["search_index"].drain(block=True)
    assert search.search_ids(again, "contributions", PUBLIC_WORDS, member=True) == []
    assert again.extensions["reperes"]["mediation"].participant(ids["other_pid"]) is None
    assert again.test_client().get(f"/galerie/media/{ids['public_mid']}/t320").status_code == 404
    assert re.search(r"Effacements rejoués : [1-9]", result.output)
