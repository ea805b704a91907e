"""Unit tests of the mediation model and store (tmp_path only)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from mediation.model import Contribution, ModelError, check_pseudonym
from mediation.store import MediationStore


def ready(kind: str = "photo", scope: str = "public", **kw) -> Contribution:
    item = Contribution("c-000000000001", kind, "p-000000000001", text="Bonjour", **kw)
    item.consent.given, item.consent.scope = True, scope
    if kind == "photo":
        item.media = {"id": "m-000000000001", "category": "image"}
        item.consent.people = False
    return item


def test_status_path_draft_proposed_published_withdrawn():
    item = ready(alt="Une cour")
    item.move_to("propose")
    item.move_to("publie")
    assert item.is_public
    assert item.published > 0
    item.move_to("retire", "à la demande de la personne")
    assert not item.is_public
    assert not item.is_visible_to_members
    assert item.consent.withdrawn > 0
    with pytest.raises(ModelError):
        item.move_to("publie")


@pytest.mark.parametrize(("start", "target"), [("brouillon", "publie"), ("brouillon", "refuse"),
                                               ("publie", "propose"), ("retire", "brouillon"),
                                               ("publie", "refuse")])
def test_forbidden_transitions(start, target):
    item = ready(alt="x", status=start)
    with pytest.raises(ModelError, match="Impossible"):
        item.move_to(target, "raison")


def test_refusal_needs_a_reason():
    item = ready(status="propose")
    with pytest.raises(ModelError, match="raison"):
        item.move_to("refuse", "  ")
    item.move_to("refuse", "Visage reconnaissable")
    assert item.reason == "Visage reconnaissable"


def test_public_photo_needs_alt_and_public_voice_needs_transcript():
    assert "alt" in ready("photo").publication_problems()
    assert "alt" not in ready("photo", scope="reseau").publication_problems()
    voice = ready("voix")
    voice.media = {"id": "m-000000000002", "category": "audio"}
    assert "transcript" in voice.publication_problems()
    voice.transcript = "Ce qui est dit"
    assert voice.publication_problems() == {}


def test_photo_with_people_needs_image_rights():
    item = ready(alt="Deux personnes")
    item.consent.people = True
    assert "droit à l'image" in item.publication_problems()["consent"]
    item.consent.image_rights = True
    assert item.publication_problems() == {}


def test_cannot_propose_without_consent_or_media():
    item = Contribution("c-000000000003", "photo", "p-000000000001")
    assert set(item.missing_for_submission()) == {"media", "accord"}
    with pytest.raises(ModelError):
        item.move_to("propose")


def test_json_round_trip_ignores_unknown_keys():
    item = ready(alt="x")
    raw = json.loads(item.to_json())
    raw["futur"] = 1
    again = Contribution.from_json(json.dumps(raw))
    assert again == item


@pytest.mark.parametrize("raw", ["", "   ", "a" * 41, "moi@exemple.fr", "<script>", "../x"])
def test_bad_pseudonyms(raw):
    with pytest.raises(ModelError):
        check_pseudonym(raw)


@pytest.mark.parametrize("raw", ["Soleil", "Jean-Marc 29", "Zoé", "O'Neil", "  Lune  bleue "])
def test_good_pseudonyms(raw):
    assert check_pseudonym(raw) == " ".join(raw.split())


def test_purge_participant_removes_every_revision_and_media(tmp_path):
    store = MediationStore(tmp_path)
    workshop = store.open_workshop("Atelier", "medi")
    person = store.add_participant("Soleil", "medi")
    other = store.add_participant("Lune", "medi")
    store.join(workshop.id, person.id, "medi")
    store.join(workshop.id, other.id, "medi")
    mine = store.create("photo", person.id, workshop.id, "medi", "medi")
    media = store.add_media(mine.id, {"main": ("jpg", b"\xff\xd8\xff data"), "t320": ("jpg", b"thumb")},
                            {"category": "image"})
    store.update(mine.id, lambda c: setattr(c, "media", media), "medi")
    store.update(mine.id, lambda c: setattr(c, "text", "v2"), "medi")
    theirs = store.create("texte", other.id, workshop.id, "medi", "medi")
    report = store.purge_participant(person.id, "admin")
    assert report["contributions"] == [mine.id]
    assert report["media"] == [media["id"]]
    assert not store.contributions.path(mine.id).exists()
    assert not (tmp_path / "media" / media["id"]).exists()
    assert store.participant(person.id) is None
    assert not store.participants.path(person.id).exists()
    assert store.workshop(workshop.id).participants == [other.id]
    assert store.get(theirs.id) is not None
    assert "Soleil" not in (tmp_path / "participants" / "edit-log").read_text()
    # idempotent
    assert store.purge_participant(person.id, "admin")["contributions"] == []


def test_export_has_every_revision_and_the_media(tmp_path):
    store = MediationStore(tmp_path)
    person = store.add_participant("Soleil", "medi")
    item = store.create("photo", person.id, "", "medi", "medi")
    media = store.add_media(item.id, {"main": ("jpg", b"\xff\xd8\xffPHOTO")}, {"category": "image"})
    store.update(item.id, lambda c: setattr(c, "media", media), "medi")
    with zipfile.ZipFile(io.BytesIO(store.export_participant(person.id))) as zf:
        names = zf.namelist()
        assert "personne.json" in names
        assert f"contributions/{item.id}/version-001.json" in names
        assert f"contributions/{item.id}/version-002.json" in names
        assert zf.read(f"contributions/{item.id}/medias/{media['id']}-main.jpg") == b"\xff\xd8\xffPHOTO"


@pytest.mark.parametrize("mid", ["../x", "m-../../etc", "", "m-ZZZZZZZZZZZZ"])
def test_media_ids_cannot_escape(tmp_path, mid):
    store = MediationStore(tmp_path)
    with pytest.raises(ValueError, match="bad media id"):
        store.media_dir(mid)
    assert store.media_owner(mid) is None


def test_check_sees_mediation_media(tmp_path):
    from admin.check import check, media_sets
    from app import create_app

    app = create_app({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "t", "TESTING": True})
    store = app.extensions["reperes"]["mediation"]
    person = store.add_participant("Soleil", "medi")
    item = store.create("photo", person.id, "", "medi", "medi")
    media = store.add_media(item.id, {"main": ("jpg", b"\xff\xd8\xff")}, {"category": "image"})
    store.update(item.id, lambda c: setattr(c, "media", media), "medi")
    orphan = store.add_media("c-000000000000", {"main": ("jpg", b"\xff\xd8\xff")}, {"category": "image"})
    report = check(app.config["DATA_DIR"], media_sets(app))
    orphans = [p for p in report.problems if p.kind == "media-orphan" and orphan["id"] in p.path]
    assert len(orphans) == 1
    assert not any(media["id"] in p.path for p in report.problems)


def test_listing_follows_every_change(tmp_path):
    store = MediationStore(tmp_path)
    other = MediationStore(tmp_path)  # another worker process on the same folder
    person = store.add_participant("Soleil", "medi")
    item = store.create("texte", person.id, "", "medi", "medi")
    assert [c.text for c in other.all()] == [""]
    store.update(item.id, lambda c: setattr(c, "text", "v2"), "medi")
    assert [c.text for c in other.all()] == ["v2"]
    store.purge_contribution(item.id, "admin")
    assert other.all() == []


@pytest.mark.parametrize("text", ["not json", '{"id": "x"}'])
def test_unreadable_documents_read_as_none(tmp_path, text):
    store = MediationStore(tmp_path)
    workshop = store.open_workshop("Atelier", "medi")
    person = store.add_participant("Soleil", "medi")
    item = store.create("texte", person.id, workshop.id, "medi", "medi")
    for docs, doc_id in ((store.workshops, workshop.id), (store.participants, person.id),
                         (store.contributions, item.id)):
        docs.save(doc_id, text, author="test")
    assert store.workshop(workshop.id) is None
    assert store.participant(person.id) is None
    assert store.get(item.id) is None
    assert store.workshop(item.id) is None  # an id of another kind
    assert store.get("../" + item.id) is None
