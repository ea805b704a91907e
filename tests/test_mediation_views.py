"""Client tests of the mediation tool: the whole status workflow, every permission, bad input."""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

import search
from directory import sheet as sheet_mod
from media.images import has_metadata
from tests.conftest import AuthActions, csrf_token

# ---------------------------------------------------------------- files made in the test


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[0x0112] = 1
    exif[0x8825] = {1: "N", 2: (48.0, 23.0, 25.0), 3: "W", 4: (4.0, 29.0, 10.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bomb() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) \
        + chunk(b"IEND", b"")


def webm_voice(tmp_path: Path, seconds: float = 1.0) -> bytes:
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is required (apt-get install ffmpeg)"
    out = tmp_path / "voice.webm"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=duration={seconds}",
                    "-c:a", "libopus", "-metadata", "title=Secret", str(out)], check=True, timeout=60)
    return out.read_bytes()


# ---------------------------------------------------------------- fixtures


def setup_mediation(app):
    """Add a mediator, a moderator, a two-rights account and two sheets (one published)."""
    users = app.extensions["reperes"]["users"]
    users.add("medi", ["mediateur"], "medi-password")
    users.add("modo", ["moderateur"], "modo-password")
    users.add("both", ["mediateur", "moderateur"], "both-password")
    structures = app.extensions["reperes"]["structures"]
    for name, status in (("Le Phare", "publiee"), ("Brouillon de fiche", "brouillon")):
        sheet_mod.save(structures, sheet_mod.Sheet(slug="", name=name, status=status,
                                                   services=(sheet_mod.Service("Douches"),)),
                       author="admin", create=True)
    return app


@pytest.fixture
def med(app):
    """The app with mediation users and a published sheet « Le Phare »."""
    return setup_mediation(app)


class Actor:
    """One device: a test client with its own cookies."""

    def __init__(self, app, username: str | None = None):
        self.client = app.test_client()
        self.auth = AuthActions(self.client)
        if username:
            self.auth.login(username)

    def token(self, url: str = "/") -> str:
        return csrf_token(self.client, url)

    def post(self, url: str, data: dict | None = None, token_url: str = "/", **kw):
        data = dict(data or {})
        data["csrf_token"] = self.token(token_url)
        return self.client.post(url, data=data, **kw)

    def get(self, url: str, **kw):
        return self.client.get(url, **kw)


def store(app):
    return app.extensions["reperes"]["mediation"]


def open_workshop(app, mediator: Actor, place: str = "le-phare") -> str:
    response = mediator.post("/atelier/", {"title": "Atelier photo", "place": place}, "/atelier/")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rsplit("/", 1)[-1]


def add_person(app, mediator: Actor, wid: str, pseudonym: str = "Soleil") -> str:
    response = mediator.post(f"/atelier/{wid}/personnes", {"pseudonym": pseudonym}, f"/atelier/{wid}")
    assert response.status_code == 302
    return store(app).find_participant(pseudonym).id


def participant_device(app, wid: str, pid: str, mediator_name: str = "medi") -> Actor:
    """A device the mediator hands over: the member session ends, the participant's starts."""
    device = Actor(app, mediator_name)
    response = device.post(f"/atelier/{wid}/main/{pid}", token_url=f"/atelier/{wid}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/atelier/moi")
    return device


def upload(device: Actor, url: str, data: bytes, name: str, json_answer: bool = False):
    headers = {"Accept": "application/json"} if json_answer else {}
    return device.client.post(url, data={"csrf_token": device.token("/atelier/moi"),
                                         "fichier": (io.BytesIO(data), name)},
                              content_type="multipart/form-data", headers=headers)


def cid_from(response) -> str:
    match = re.search(r"/atelier/c/(c-[0-9a-f]{12})/", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


def send_photo(app, device: Actor, scope: str = "public") -> str:
    """A participant sends a photo through every step; returns its id."""
    response = upload(device, "/atelier/moi/nouveau/photo", jpeg_with_gps(), "IMG_20240101_Marie.jpg")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    cid = cid_from(response)
    base = f"/atelier/c/{cid}"
    assert device.post(f"{base}/texte", {"texte": "La cour du Phare au soleil"}, "/atelier/moi").status_code == 302
    assert device.post(f"{base}/lieu", {"lien": "structure", "lieu": "le-phare"}, "/atelier/moi").status_code == 302
    assert device.post(f"{base}/accord", {"portee": scope, "personnes": "non"}, "/atelier/moi").status_code == 302
    response = device.post(f"{base}/envoi", {"action": "envoyer"}, "/atelier/moi")
    assert response.status_code == 302
    assert store(app).get(cid).status == "propose"
    return cid


@pytest.fixture
def scene(med):
    """A workshop with one participant on a handed-over device, plus mediator and moderator."""
    mediator = Actor(med, "medi")
    wid = open_workshop(med, mediator)
    pid = add_person(med, mediator, wid)
    device = participant_device(med, wid, pid)
    return Scene(app=med, mediator=mediator, device=device, wid=wid, pid=pid)


class Scene(dict):
    """The scene's actors; the moderator logs in only when a test asks for them."""

    def __missing__(self, key):
        if key != "moderator":
            raise KeyError(key)
        self[key] = Actor(self["app"], "modo")
        return self[key]


# ---------------------------------------------------------------- workflow


def test_participant_screen_after_hand_over(scene):
    device = scene["device"]
    page = device.get("/atelier/moi")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for label in ("Prendre une photo", "Enregistrer ma voix", "Envoyer une vidéo", "Écrire", "Donner mon avis"):
        assert label in html
    assert "Bonjour Soleil" in html
    # the member session ended on this device
    assert device.get("/compte").status_code in (302, 401)


def test_whole_photo_workflow_publish_then_withdraw(scene, tmp_path):
    app, device, moderator, mediator = scene["app"], scene["device"], scene["moderator"], scene["mediator"]
    cid = send_photo(app, device)
    queue = moderator.get("/moderation/").get_data(as_text=True)
    assert f"/moderation/{cid}" in queue
    assert "Soleil" in queue
    assert "public" in queue
    # public photo without alt text: refused with a message next to the field
    response = moderator.post(f"/moderation/{cid}", {"action": "publish", "text": "La cour du Phare au soleil",
                                                      "alt": "", "transcript": ""}, f"/moderation/{cid}")
    assert response.status_code == 400
    assert "texte de remplacement" in response.get_data(as_text=True)
    assert store(app).get(cid).status == "propose"
    response = moderator.post(f"/moderation/{cid}", {"action": "publish", "text": "La cour du Phare au soleil.",
                                                      "alt": "Une cour pavée, un banc, du soleil", "transcript": ""},
                              f"/moderation/{cid}")
    assert response.status_code == 302
    item = store(app).get(cid)
    assert item.status == "publie"
    assert item.text.endswith("soleil.")
    assert len(store(app).contributions.revisions(cid)) >= 6

    anonymous = app.test_client()
    gallery = anonymous.get("/galerie/").get_data(as_text=True)
    assert f"/galerie/{cid}" in gallery
    assert 'alt="Une cour pavée, un banc, du soleil"' in gallery
    media_url = f"/galerie/media/{item.media['id']}/main"
    photo = anonymous.get(media_url)
    assert photo.status_code == 200
    assert photo.mimetype == "image/jpeg"
    assert not has_metadata(photo.data)
    assert "Marie" not in json.dumps(item.media)
    assert not any("IMG_" in p.name for p in Path(app.config["DATA_DIR"], "media").rglob("*"))
    feed = anonymous.get("/galerie/flux.atom")
    assert feed.mimetype == "application/atom+xml"
    assert f"/galerie/{cid}" in feed.get_data(as_text=True)
    assert cid in search.search_ids(app, "contributions", "cour soleil", member=False)
    sheet = anonymous.get("/annuaire/le-phare").get_data(as_text=True)
    assert "La parole des personnes accueillies" in sheet
    assert f"/galerie/{cid}" in sheet

    # withdrawal at the person's request: gone from gallery, media, feed and search at once
    response = mediator.post(f"/atelier/c/{cid}/retirer", {"reason": ""}, f"/atelier/c/{cid}")
    assert response.status_code == 302
    assert store(app).get(cid).status == "retire"
    assert f"/galerie/{cid}" not in anonymous.get("/galerie/").get_data(as_text=True)
    assert anonymous.get(f"/galerie/{cid}").status_code == 404
    assert anonymous.get(media_url).status_code == 404
    assert f"/galerie/{cid}" not in anonymous.get("/galerie/flux.atom").get_data(as_text=True)
    assert cid not in search.search_ids(app, "contributions", "cour soleil", member=False)
    assert cid not in search.search_ids(app, "contributions", "cour soleil", member=True)
    assert f"/galerie/{cid}" not in anonymous.get("/annuaire/le-phare").get_data(as_text=True)


def test_refusal_reason_is_shown_to_the_mediator(scene):
    app, moderator, mediator = scene["app"], scene["moderator"], scene["mediator"]
    cid = send_photo(app, scene["device"])
    response = moderator.post(f"/moderation/{cid}", {"action": "refuse", "text": "x", "alt": "", "transcript": "",
                                                      "reason": ""}, f"/moderation/{cid}")
    assert response.status_code == 400
    assert "raison du refus" in response.get_data(as_text=True).lower()
    response = moderator.post(f"/moderation/{cid}", {"action": "refuse", "text": "x", "alt": "", "transcript": "",
                                                      "reason": "On reconnaît l'adresse d'une personne"},
                              f"/moderation/{cid}")
    assert response.status_code == 302
    assert store(app).get(cid).status == "refuse"
    page = mediator.get(f"/atelier/{scene['wid']}").get_data(as_text=True)
    assert "On reconnaît l&#39;adresse d&#39;une personne" in page
    # the participant cannot change it any more; the mediator reworks it and sends it again
    assert scene["device"].post(f"/atelier/c/{cid}/texte", {"texte": "y"}, "/atelier/moi").status_code == 403
    assert mediator.post(f"/atelier/c/{cid}/texte", {"texte": "La cour"}, "/atelier/").status_code == 302
    assert mediator.post(f"/atelier/c/{cid}/envoi", {"action": "envoyer"}, "/atelier/").status_code == 302
    assert store(app).get(cid).status == "propose"
    assert store(app).get(cid).reason == ""


def test_voice_opinion_needs_a_transcript_to_be_public(scene, tmp_path):
    app, device, moderator = scene["app"], scene["device"], scene["moderator"]
    response = device.post("/atelier/moi/nouveau/avis", {"lien": "structure", "lieu": "le-phare::Douches"},
                           "/atelier/moi")
    assert response.status_code == 302
    cid = cid_from(response)
    answer = upload(device, f"/atelier/c/{cid}/parole", webm_voice(tmp_path), "blob", json_answer=True)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["ok"]
    assert answer.json["next"].endswith("/note")
    stored = store(app).get(cid)
    assert stored.media["category"] == "audio"
    assert stored.media["processed"]
    assert stored.activity == "Douches"
    # the participant hears their own draft recording
    assert device.get(f"/galerie/media/{stored.media['id']}/main").status_code == 200
    base = f"/atelier/c/{cid}"
    assert device.post(f"{base}/parole", {"texte": ""}, "/atelier/moi").status_code == 302
    assert device.post(f"{base}/note", {"note": "3"}, "/atelier/moi").status_code == 302
    assert device.post(f"{base}/accord", {"portee": "public"}, "/atelier/moi").status_code == 302
    assert device.post(f"{base}/envoi", {"action": "envoyer"}, "/atelier/moi").status_code == 302
    response = moderator.post(f"/moderation/{cid}", {"action": "publish", "text": "", "alt": "", "transcript": ""},
                              f"/moderation/{cid}")
    assert response.status_code == 400
    assert "transcription" in response.get_data(as_text=True)
    response = moderator.post(f"/moderation/{cid}", {"action": "publish", "text": "", "alt": "",
                                                      "transcript": "Les douches sont propres, on est bien reçu."},
                              f"/moderation/{cid}")
    assert response.status_code == 302
    item = store(app).get(cid)
    assert item.is_public
    assert item.rating == 3
    html = app.test_client().get(f"/galerie/{cid}").get_data(as_text=True)
    assert "Les douches sont propres" in html
    assert "content" in html


def test_network_only_item_is_for_members(scene):
    app, moderator = scene["app"], scene["moderator"]
    cid = send_photo(app, scene["device"], scope="reseau")
    assert moderator.post(f"/moderation/{cid}", {"action": "publish", "text": "La cour du Phare au soleil",
                                                 "alt": "", "transcript": ""},
                          f"/moderation/{cid}").status_code == 302
    item = store(app).get(cid)
    anonymous = app.test_client()
    assert anonymous.get(f"/galerie/{cid}").status_code == 404
    assert anonymous.get(f"/galerie/media/{item.media['id']}/main").status_code == 404
    assert f"/galerie/{cid}" not in anonymous.get("/galerie/flux.atom").get_data(as_text=True)
    member = Actor(app, "anne")
    assert member.get(f"/galerie/{cid}").status_code == 200
    assert member.get(f"/galerie/media/{item.media['id']}/t320").status_code == 200
    assert cid in search.search_ids(app, "contributions", "cour soleil", member=True)
    assert cid not in search.search_ids(app, "contributions", "cour soleil", member=False)


def test_drafts_are_kept_and_the_mediator_continues_them(scene):
    app, device, mediator = scene["app"], scene["device"], scene["mediator"]
    response = device.post("/atelier/moi/nouveau/texte", {"texte": "Mon premier jour au Phare"}, "/atelier/moi")
    cid = cid_from(response)
    assert store(app).get(cid).status == "brouillon"
    assert "à finir" in device.get("/atelier/moi").get_data(as_text=True)
    page = mediator.get(f"/atelier/personnes/{scene['pid']}")
    assert cid in page.get_data(as_text=True)
    assert mediator.get(f"/atelier/c/{cid}/lieu").status_code == 200
    assert mediator.post(f"/atelier/c/{cid}/lieu", {"lien": "parcours"}, "/atelier/").status_code == 302
    assert store(app).get(cid).link == "parcours"
    assert store(app).get(cid).consent.given is False


def test_pseudonym_comes_back_in_a_later_workshop(scene):
    app, mediator = scene["app"], scene["mediator"]
    wid2 = open_workshop(app, mediator)
    response = mediator.post(f"/atelier/{wid2}/personnes", {"existing": scene["pid"]}, f"/atelier/{wid2}")
    assert response.status_code == 302
    response = mediator.post(f"/atelier/{wid2}/personnes", {"pseudonym": "soleil"}, f"/atelier/{wid2}")
    assert response.status_code == 400
    assert "existe déjà" in response.get_data(as_text=True)
    assert len(store(app).all_participants()) == 1


def test_closing_the_workshop_ends_the_participant_turn(scene):
    device, mediator = scene["device"], scene["mediator"]
    assert device.get("/atelier/moi").status_code == 200
    assert mediator.post(f"/atelier/{scene['wid']}/fermer", token_url="/atelier/").status_code == 302
    assert device.get("/atelier/moi").status_code == 403
    assert device.get("/atelier/moi/nouveau/photo").status_code == 403


def test_finish_gives_the_device_back(scene):
    device = scene["device"]
    response = device.post("/atelier/moi/fin", token_url="/atelier/moi")
    assert response.status_code == 200
    assert "Rendez l" in response.get_data(as_text=True)
    assert device.get("/atelier/moi").status_code == 403


# ---------------------------------------------------------------- permissions


def test_participant_never_reaches_moderation_or_others(scene):
    app, device, mediator = scene["app"], scene["device"], scene["mediator"]
    other_pid = add_person(app, mediator, scene["wid"], "Lune")
    other = participant_device(app, scene["wid"], other_pid)
    response = other.post("/atelier/moi/nouveau/photo", token_url="/atelier/moi")
    other_cid = cid_from(upload(other, "/atelier/moi/nouveau/photo", jpeg_with_gps(), "a.jpg"))
    media_id = store(app).get(other_cid).media["id"]
    assert response.status_code == 400
    assert device.get("/moderation/").status_code == 403
    assert device.get(f"/moderation/{other_cid}").status_code == 403
    assert device.get(f"/atelier/c/{other_cid}/texte").status_code == 404
    assert device.get(f"/atelier/c/{other_cid}").status_code == 404
    assert device.post(f"/atelier/c/{other_cid}/texte", {"texte": "pirate"}, "/atelier/moi").status_code == 404
    assert device.get(f"/galerie/media/{media_id}/main").status_code == 404
    assert device.get(f"/galerie/media/{media_id}/t320").status_code == 404
    assert device.get(f"/atelier/{scene['wid']}").status_code in (302, 401)
    assert device.get("/atelier/personnes").status_code in (302, 401)
    assert other.get(f"/galerie/media/{media_id}/main").status_code == 200
    assert app.test_client().get(f"/galerie/media/{media_id}/main").status_code == 404


def test_forged_or_foreign_participant_cookie_is_ignored(scene):
    app = scene["app"]
    intruder = app.test_client()
    intruder.set_cookie("reperes_atelier", json.dumps({"w": scene["wid"], "p": scene["pid"]}))
    assert intruder.get("/atelier/moi").status_code == 403


@pytest.mark.parametrize(("user", "url", "expected"), [
    (None, "/atelier/", 302), (None, "/moderation/", 302), (None, "/evaluation/", 302),
    ("anne", "/atelier/", 403), ("anne", "/moderation/", 403), ("anne", "/evaluation/", 200),
    ("medi", "/moderation/", 403), ("medi", "/atelier/", 200), ("medi", "/atelier/personnes", 200),
    ("modo", "/atelier/", 403), ("modo", "/moderation/", 200),
    ("both", "/atelier/", 200), ("both", "/moderation/", 200),
    ("admin", "/atelier/", 200), ("admin", "/moderation/", 200),
    (None, "/galerie/", 200), (None, "/galerie/flux.atom", 200),
])
def test_pages_by_role(med, user, url, expected):
    actor = Actor(med, user)
    assert actor.get(url).status_code == expected


def test_only_admins_export_and_erase(scene):
    app, mediator = scene["app"], scene["mediator"]
    pid = scene["pid"]
    assert mediator.get(f"/atelier/personnes/{pid}/export.zip").status_code == 403
    assert mediator.post(f"/atelier/personnes/{pid}/effacer", {"confirm": "Soleil"}, "/atelier/").status_code == 403
    assert store(app).participant(pid) is not None


@pytest.mark.parametrize("url", ["/galerie/media/../../etc/passwd/main", "/galerie/media/m-zzzz/main",
                                 "/galerie/media/m-000000000000/main", "/galerie/c-000000000000",
                                 "/atelier/c/c-000000000000/texte", "/moderation/c-000000000000"])
def test_unknown_or_malformed_ids_are_not_found(med, url):
    actor = Actor(med, "both")
    assert actor.get(url).status_code == 404


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/atelier/p-000000000000"), ("get", "/atelier/personnes/p-000000000000"),
    ("post", "/atelier/personnes/p-000000000000/effacer"), ("post", "/atelier/c/c-000000000000/retirer"),
    ("post", "/atelier/c/c-000000000000/purger")])
def test_unknown_workshop_person_or_contribution_is_not_found(med, method, url):
    admin = Actor(med, "admin")
    response = admin.get(url) if method == "get" else admin.post(url, {"confirm": "x"}, "/atelier/")
    assert response.status_code == 404


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("data", "name", "message"), [
    (png_bomb(), "bombe.png", "trop grande"),
    (jpeg_with_gps()[:300], "coupee.jpg", "abîmée"),
    (b"<html><body><script>alert(1)</script></body></html>", "photo.jpg", "pas une photo"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "dessin.svg", "pas une photo"),
    (b"", "vide.jpg", "Aucun fichier"),
])
def test_bad_photos_get_a_kind_message_and_nothing_is_stored(scene, data, name, message):
    app, device = scene["app"], scene["device"]
    response = upload(device, "/atelier/moi/nouveau/photo", data, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert store(app).all() == []
    assert [p for p in Path(app.config["DATA_DIR"], "media").iterdir() if p.name.startswith("m-")] == []


@pytest.mark.parametrize(("data", "message"), [
    (b"", "vide"),
    (b"\x1a\x45\xdf\xa3", "vide"),
    (b"Bonjour, ceci est du texte et pas un son." * 20, "pas un son"),
    (b"%PDF-1.4\n" + b"x" * 500, "pas un son"),
])
def test_bad_recordings_get_a_kind_message(scene, data, message):
    app, device = scene["app"], scene["device"]
    response = upload(device, "/atelier/moi/nouveau/voix", data, "blob", json_answer=True)
    assert response.status_code == 400
    assert response.json["ok"] is False
    assert message in response.json["message"]
    assert store(app).all() == []


def test_oversize_video_is_refused_kindly(scene):
    app, device = scene["app"], scene["device"]
    app.config["MEDIATION_MAX_VIDEO_MB"] = 1
    big = b"\x00\x00\x00\x18ftypisom" + b"\x00" * (1024 * 1024 + 10)
    response = upload(device, "/atelier/moi/nouveau/video", big, "film.mp4")
    assert response.status_code == 400
    assert "trop lourde" in response.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 512 * 1024  # above the whole upload limit (a "2 GB video")
    response = upload(device, "/atelier/moi/nouveau/video", big, "film.mp4")
    assert response.status_code == 413
    assert "trop lourd" in response.get_data(as_text=True)
    assert store(app).all() == []


@pytest.mark.parametrize(("step", "data", "message"), [
    ("lieu", {"lien": "ailleurs"}, "Choisissez une réponse"),
    ("lieu", {"lien": "structure", "lieu": "n-existe-pas"}, "Choisissez un lieu"),
    ("lieu", {"lien": "structure", "lieu": "le-phare::Piscine"}, "activité"),
    ("accord", {"portee": "monde"}, "qui peut voir"),
    ("accord", {"portee": "public", "personnes": "oui"}, "accord des personnes"),
    ("accord", {"portee": "public"}, "personnes sur l"),
    ("texte", {"texte": "x" * 6000}, "trop long"),
])
def test_bad_step_answers(scene, step, data, message):
    _app, device = scene["app"], scene["device"]
    cid = cid_from(upload(device, "/atelier/moi/nouveau/photo", jpeg_with_gps(), "a.jpg"))
    response = device.post(f"/atelier/c/{cid}/{step}", data, "/atelier/moi")
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()


def test_unknown_kind_or_step_is_not_found(scene):
    device = scene["device"]
    assert device.get("/atelier/moi/nouveau/sculpture").status_code == 404
    cid = cid_from(device.post("/atelier/moi/nouveau/texte", {"texte": "Bonjour"}, "/atelier/moi"))
    assert device.get(f"/atelier/c/{cid}/note").status_code == 404


def test_sent_item_cannot_be_changed_by_the_participant(scene):
    app, device = scene["app"], scene["device"]
    cid = send_photo(app, device)
    assert device.post(f"/atelier/c/{cid}/texte", {"texte": "autre"}, "/atelier/moi").status_code == 403
    assert device.get(f"/atelier/c/{cid}/texte").status_code == 302


def test_pseudonym_with_an_email_is_refused(scene):
    response = scene["mediator"].post(f"/atelier/{scene['wid']}/personnes", {"pseudonym": "a@b.fr"},
                                      f"/atelier/{scene['wid']}")
    assert response.status_code == 400
    assert "pseudonyme" in response.get_data(as_text=True)


def test_workshop_needs_a_title_and_a_real_place(med):
    mediator = Actor(med, "medi")
    response = mediator.post("/atelier/", {"title": "", "place": "nulle-part"}, "/atelier/")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Donnez un titre" in html
    assert "n&#39;existe pas" in html
    assert store(med).all_workshops() == []


def test_member_taking_the_device_back_ends_the_participant_turn(scene):
    device = scene["device"]
    assert device.get("/atelier/moi").status_code == 200
    device.auth.login("medi")
    assert device.get("/atelier/").status_code == 200
    device.auth.logout()
    assert device.get("/atelier/moi").status_code == 403


def test_phone_video_gets_a_poster_and_no_needless_re_encoding(scene, tmp_path):
    app, device = scene["app"], scene["device"]
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is required (apt-get install ffmpeg)"
    clip = tmp_path / "clip.mp4"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-metadata", "location=+48.39-004.48/",
                    str(clip)], check=True, timeout=120)
    response = upload(device, "/atelier/moi/nouveau/video", clip.read_bytes(), "VID_0001.mp4")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    cid = cid_from(response)
    assert store(app).get(cid).media["files"] == {}  # made in the background (mediation/videojobs.py)
    from mediation.videojobs import jobs

    assert jobs(app).run_pending()["done"] == 1
    item = store(app).get(cid)
    assert set(item.media["files"]) == {"main", "poster", "t320"}  # H.264 MP4 plays as it is
    assert device.get(f"/galerie/media/{item.media['id']}/poster").mimetype == "image/jpeg"
    assert b"48.39" not in device.get(f"/galerie/media/{item.media['id']}/main").data


def test_admin_purges_one_withdrawn_contribution(scene):
    app = scene["app"]
    cid = send_photo(app, scene["device"])
    admin = Actor(app, "admin")
    assert scene["mediator"].post(f"/atelier/c/{cid}/purger", token_url="/atelier/").status_code == 403
    assert admin.post(f"/atelier/c/{cid}/purger", token_url="/atelier/").status_code == 409
    assert admin.post(f"/atelier/c/{cid}/retirer", token_url="/atelier/").status_code == 302
    media_id = store(app).get(cid).media["id"]
    assert admin.post(f"/atelier/c/{cid}/purger", token_url="/atelier/").status_code == 302
    assert store(app).get(cid) is None
    assert not Path(app.config["DATA_DIR"], "media", media_id).exists()


def test_feed_and_pages_escape_what_people_typed(scene):
    app, device, moderator = scene["app"], scene["device"], scene["moderator"]
    response = device.post("/atelier/moi/nouveau/texte", {"texte": "<script>alert(1)</script> & <b>gras</b>"},
                           "/atelier/moi")
    cid = cid_from(response)
    base = f"/atelier/c/{cid}"
    device.post(f"{base}/lieu", {"lien": "aucun"}, "/atelier/moi")
    device.post(f"{base}/accord", {"portee": "public"}, "/atelier/moi")
    device.post(f"{base}/envoi", {"action": "envoyer"}, "/atelier/moi")
    assert moderator.post(f"/moderation/{cid}", {"action": "publish", "text": store(app).get(cid).text,
                                                 "alt": "", "transcript": ""}, f"/moderation/{cid}").status_code == 302
    anonymous = app.test_client()
    for url in ("/galerie/flux.atom", "/galerie/", f"/galerie/{cid}"):
        body = anonymous.get(url).get_data(as_text=True)
        assert "&lt;script&gt;" in body
        assert "<script>alert" not in body


def test_published_public_photo_keeps_its_alt_text(scene):
    app, moderator = scene["app"], scene["moderator"]
    cid = send_photo(app, scene["device"])
    moderator.post(f"/moderation/{cid}", {"action": "publish", "text": "t", "alt": "Une cour", "transcript": ""},
                   f"/moderation/{cid}")
    response = moderator.post(f"/moderation/{cid}", {"action": "save", "text": "t", "alt": " ", "transcript": ""},
                              f"/moderation/{cid}")
    assert response.status_code == 400
    assert store(app).get(cid).alt == "Une cour"
