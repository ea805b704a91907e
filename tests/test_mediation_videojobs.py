"""Videos: the upload only checks and keeps the file; the web version is made in the background.

Tests drive the runner by hand (`jobs(app).run_pending()`): under TESTING no thread starts.
The videos are tiny files made with ffmpeg here (as in tests/test_media_av.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from admin.check import check, media_sets
from app import create_app
from media import av
from mediation import videojobs
from mediation.videojobs import jobs
from tests.test_mediation_views import (
    Actor,
    add_person,
    cid_from,
    open_workshop,
    participant_device,
    setup_mediation,
    store,
    upload,
)
from web import startup

FFMPEG = shutil.which("ffmpeg")
ROOT = Path(__file__).resolve().parent.parent
PENDING = "Votre vidéo est bien reçue. Elle sera visible dans quelques minutes."
FAILED = "pu être préparée"


def make_video(tmp_path: Path, name: str = "clip.webm", codec: tuple = ("-c:v", "libvpx", "-c:a", "libopus"),
               size: str = "161x121") -> bytes:
    """A two-second film with a sound and metadata to drop (GPS, title)."""
    assert FFMPEG, "ffmpeg is required by these tests: apt-get install ffmpeg"
    out = tmp_path / name
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size={size}:rate=10:duration=2",
                    "-f", "lavfi", "-i", "sine=duration=2", "-shortest", *codec,
                    "-metadata", "title=Secret title", "-metadata", "location=+48.39-004.48/", str(out)],
                   check=True, timeout=120)
    return out.read_bytes()


@pytest.fixture
def scene(app):
    setup_mediation(app)
    mediator = Actor(app, "medi")
    wid = open_workshop(app, mediator)
    pid = add_person(app, mediator, wid)
    return {"app": app, "mediator": mediator, "device": participant_device(app, wid, pid), "wid": wid,
            "pid": pid}


def send_video(scene, data: bytes, name: str = "VID_0001.webm") -> str:
    response = upload(scene["device"], "/atelier/moi/nouveau/video", data, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return cid_from(response)


def propose(device: Actor, cid: str) -> None:
    base = f"/atelier/c/{cid}"
    assert device.post(f"{base}/texte", {"texte": "Notre atelier cuisine"}, "/atelier/moi").status_code == 302
    assert device.post(f"{base}/lieu", {"lien": "structure", "lieu": "le-phare"}, "/atelier/moi").status_code == 302
    assert device.post(f"{base}/accord", {"portee": "public", "personnes": "non"}, "/atelier/moi").status_code == 302
    assert device.post(f"{base}/envoi", {"action": "envoyer"}, "/atelier/moi").status_code == 302


def media_folders(app) -> list[Path]:
    return [p for p in Path(app.config["DATA_DIR"], "media").iterdir() if p.name.startswith("m-")]


# ---------------------------------------------------------------- the upload


def test_upload_keeps_the_original_and_leaves_the_encoding_to_a_job(scene, tmp_path):
    app, device = scene["app"], scene["device"]
    response = upload(device, "/atelier/moi/nouveau/video", make_video(tmp_path), "VID_0001.webm")
    assert response.status_code == 302
    assert PENDING in device.get(response.headers["Location"]).get_data(as_text=True)  # said at once
    cid = cid_from(response)
    media = store(app).get(cid).media
    assert media["state"] == "pending"
    assert media["files"] == {}  # no web version yet: nothing was encoded during the request
    folder = store(app).media_dir(media["id"])
    assert sorted(p.name for p in folder.iterdir()) == ["original.webm", "owner.json"]
    assert jobs(app).pending() == [media["id"]]
    job = json.loads(store(app).job_path(media["id"]).read_text())
    assert (job["contribution"], job["attempts"]) == (cid, 0)
    assert 1.5 < media["duration"] < 2.5  # ffprobe read it during the upload
    assert jobs(app)._thread is None  # no thread under TESTING: the tests run the jobs
    # The participant and the mediator see words, never a broken player, and never the original.
    for who, url in ((device, f"/atelier/c/{cid}"), (device, f"/atelier/c/{cid}/texte")):
        html = who.get(url).get_data(as_text=True)
        assert "<video" not in html
    assert PENDING in device.get(f"/atelier/c/{cid}").get_data(as_text=True)
    mediator_page = Actor(app, "medi").get(f"/atelier/c/{cid}").get_data(as_text=True)
    assert "La vidéo est bien reçue. Elle sera visible dans quelques minutes." in mediator_page
    assert "<video" not in mediator_page
    for variant in ("original", "main", "poster"):
        assert Actor(app, "admin").get(f"/galerie/media/{media['id']}/{variant}").status_code == 404


def test_runner_makes_the_web_version_and_deletes_the_original(scene, tmp_path):
    app, device = scene["app"], scene["device"]
    cid = send_video(scene, make_video(tmp_path))
    mid = store(app).get(cid).media["id"]
    assert jobs(app).run_pending() == {"done": 1}
    media = store(app).get(cid).media
    assert media["state"] == "ready"
    assert (media["mime"], media["re_encoded"]) == ("video/mp4", True)  # WebM: re-encoded to H.264
    assert set(media["files"]) == {"main", "poster", "t320"}
    assert "original" not in media
    folder = store(app).media_dir(mid)
    assert not list(folder.glob("original.*"))  # gone with its GPS
    assert jobs(app).pending() == []
    served = device.get(f"/galerie/media/{mid}/main")
    assert (served.status_code, served.mimetype) == (200, "video/mp4")
    tags = str(av.metadata_tags(served.data, "mp4"))
    assert "48.39" not in tags
    assert "Secret" not in tags
    assert device.get(f"/galerie/media/{mid}/poster").mimetype == "image/jpeg"
    html = device.get(f"/atelier/c/{cid}").get_data(as_text=True)
    assert "<video" in html
    assert "media-wait" not in html  # the placeholder is gone
    assert jobs(app).run_pending() == {}  # nothing left to do


def test_big_phone_video_is_made_smaller(scene, tmp_path):
    app = scene["app"]
    data = make_video(tmp_path, "big.mp4", ("-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"),
                      size="1500x300")
    cid = send_video(scene, data, "VID_0002.mp4")
    assert jobs(app).run_pending() == {"done": 1}
    media = store(app).get(cid).media
    assert media["re_encoded"] is True  # H.264, but wider than 1280 px
    assert (media["width"], media["height"]) == (1280, 256)


def test_video_answer_in_json_is_immediate_too(scene, tmp_path):
    app, device = scene["app"], scene["device"]
    response = upload(device, "/atelier/moi/nouveau/video", make_video(tmp_path), "clip.webm", json_answer=True)
    assert response.status_code == 200
    assert response.json["ok"] is True
    assert len(jobs(app).pending()) == 1


# ---------------------------------------------------------------- moderation


def test_moderator_cannot_publish_while_the_video_is_being_made(scene, tmp_path):
    app, device = scene["app"], scene["device"]
    cid = send_video(scene, make_video(tmp_path))
    propose(device, cid)  # the participant does not wait: sending is allowed
    assert store(app).get(cid).status == "propose"
    moderator = Actor(app, "modo")
    review = moderator.get(f"/moderation/{cid}").get_data(as_text=True)
    assert "encore en préparation" in review
    form = {"action": "publish", "text": "Notre atelier cuisine", "alt": "", "transcript": "On coupe des légumes."}
    response = moderator.post(f"/moderation/{cid}", form, f"/moderation/{cid}")
    assert response.status_code == 400
    assert "encore en préparation" in response.get_data(as_text=True)
    assert store(app).get(cid).status == "propose"
    assert jobs(app).run_pending() == {"done": 1}
    assert "encore en préparation" not in moderator.get(f"/moderation/{cid}").get_data(as_text=True)
    assert moderator.post(f"/moderation/{cid}", form, f"/moderation/{cid}").status_code == 302
    item = store(app).get(cid)
    assert item.status == "publie"
    page = Actor(app).get(f"/galerie/{cid}").get_data(as_text=True)
    assert f"/galerie/media/{item.media['id']}/main" in page


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("cut", "message"), [(300, "abîmée"), (None, "pas une vidéo")])
def test_unreadable_video_is_refused_at_the_upload_and_nothing_stays(scene, tmp_path, cut, message):
    app = scene["app"]
    if cut:
        data = make_video(tmp_path)[:cut]  # the start of a WebM: ffprobe cannot read it
    else:  # a WebM with sound only: no picture
        subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libopus",
                        str(tmp_path / "son.webm")], check=True, timeout=60)
        data = (tmp_path / "son.webm").read_bytes()
    response = upload(scene["device"], "/atelier/moi/nouveau/video", data, "film.webm")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert store(app).all() == []
    assert media_folders(app) == []
    assert jobs(app).pending() == []


def test_video_ffmpeg_cannot_read_ends_failed_with_a_message(scene, tmp_path):
    app, device = scene["app"], scene["device"]
    data = make_video(tmp_path)[:1000]  # its header is whole (ffprobe says fine) but no picture follows
    cid = send_video(scene, data)
    mid = store(app).get(cid).media["id"]
    assert jobs(app).run_pending() == {"failed": 1}
    media = store(app).get(cid).media
    assert media["state"] == "failed"
    assert not list(store(app).media_dir(mid).glob("original.*"))
    assert jobs(app).pending() == []
    assert jobs(app).run_pending() == {}  # never tried again
    assert FAILED in device.get(f"/atelier/c/{cid}").get_data(as_text=True)
    # Sending it leads back to the video step; another video starts again.
    response = device.post(f"/atelier/c/{cid}/envoi", {"action": "envoyer"}, "/atelier/moi")
    assert store(app).get(cid).status == "brouillon"
    assert response.headers["Location"].endswith(f"/atelier/c/{cid}/media")
    assert FAILED in device.get(f"/atelier/c/{cid}/media").get_data(as_text=True)
    response = upload(device, f"/atelier/c/{cid}/media", make_video(tmp_path), "autre.webm")
    assert response.status_code == 302
    assert store(app).get(cid).media["state"] == "pending"
    assert not store(app).media_dir(mid).exists()
    assert jobs(app).run_pending() == {"done": 1}


def test_failed_video_cannot_be_published(scene, tmp_path):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path)[:1000])
    propose(scene["device"], cid)
    jobs(app).run_pending()
    moderator = Actor(app, "modo")
    form = {"action": "publish", "text": "x", "alt": "", "transcript": "y"}
    response = moderator.post(f"/moderation/{cid}", form, f"/moderation/{cid}")
    assert response.status_code == 400
    assert "n&#39;a pas pu être préparée" in response.get_data(as_text=True)
    assert store(app).get(cid).status == "propose"


def test_without_ffmpeg_a_video_waits_and_is_never_published_as_sent(scene, tmp_path, monkeypatch):
    app = scene["app"]
    data = make_video(tmp_path)
    monkeypatch.setattr(av, "tools", lambda: (None, None))  # the Debian package is not installed
    cid = send_video(scene, data)
    assert store(app).get(cid).media["state"] == "pending"
    propose(scene["device"], cid)
    assert "attendent ffmpeg" in Actor(app, "modo").get("/moderation/").get_data(as_text=True)
    assert jobs(app).run_pending() == {"waiting": 1}
    assert jobs(app).run_pending() == {"waiting": 1}  # not counted as attempts: it waits
    form = {"action": "publish", "text": "x", "alt": "", "transcript": "y"}
    assert Actor(app, "modo").post(f"/moderation/{cid}", form, f"/moderation/{cid}").status_code == 400
    monkeypatch.undo()  # ffmpeg installed
    assert jobs(app).run_pending() == {"done": 1}
    assert store(app).get(cid).media["state"] == "ready"


# ---------------------------------------------------------------- restarts and crashes


def test_job_left_by_a_dead_process_is_done_by_the_next_runner(scene, tmp_path):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    mid = store(app).get(cid).media["id"]
    # A worker killed during ffmpeg: its attempt is counted, its half-made file left behind.
    job = store(app).job_path(mid)
    job.write_text(json.dumps({**json.loads(job.read_text()), "attempts": 1}))
    half = Path(app.config["DATA_DIR"], "tmp", "media-work", f"{mid}-99999-dead", "web.mp4")
    half.parent.mkdir(parents=True)
    half.write_bytes(b"\x00" * 100)
    restarted = create_app({**{k: app.config[k] for k in ("DATA_DIR", "SECRET_KEY")}, "TESTING": True})
    assert jobs(restarted).pending() == [mid]
    assert jobs(restarted).run_pending() == {"done": 1}
    assert store(restarted).get(cid).media["state"] == "ready"
    assert not half.parent.exists()


def test_runner_killed_after_ffmpeg_leaves_a_job_the_next_one_finishes(scene, tmp_path):
    app = scene["app"]
    data = Path(app.config["DATA_DIR"])
    cid = send_video(scene, make_video(tmp_path))
    script = textwrap.dedent("""
        import sys
        from app import create_app
        from mediation.videojobs import jobs
        app = create_app({"DATA_DIR": sys.argv[1], "SECRET_KEY": "test", "TESTING": True})
        jobs(app).run_pending()
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPERES_FAULTS": "video.encoded=kill"}
    result = subprocess.run([sys.executable, "-c", script, str(data)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    mid = store(app).get(cid).media["id"]
    assert store(app).get(cid).media["state"] == "pending"
    assert json.loads(store(app).job_path(mid).read_text())["attempts"] == 1
    assert list((data / "tmp" / "media-work").iterdir())  # its half-done work
    assert jobs(app).run_pending() == {"done": 1}  # the lock died with it
    assert store(app).get(cid).media["state"] == "ready"
    assert list((data / "tmp" / "media-work").iterdir()) == []


def test_job_that_killed_its_process_twice_is_marked_failed(scene, tmp_path):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    job = store(app).job_path(store(app).get(cid).media["id"])
    job.write_text(json.dumps({**json.loads(job.read_text()), "attempts": videojobs.MAX_ATTEMPTS}))
    assert jobs(app).run_pending() == {"failed": 1}
    assert store(app).get(cid).media["state"] == "failed"
    assert not job.exists()


def test_an_attempt_cut_by_a_clean_exit_is_not_counted(scene, tmp_path):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    mid = store(app).get(cid).media["id"]
    job = store(app).job_path(mid)
    job.write_text(json.dumps({**json.loads(job.read_text()), "attempts": 1}))  # counted at its start
    runner = jobs(app)
    runner._running = (mid, 0)  # ffmpeg at work when gunicorn recycles the worker
    runner.uncount_interrupted()  # registered with atexit by the thread
    assert json.loads(job.read_text())["attempts"] == 0
    runner._running = None
    job.unlink()
    runner._running = (mid, 0)
    runner.uncount_interrupted()  # the job ended meanwhile: no job comes back
    assert not job.exists()


def test_a_kept_video_without_job_gets_one_at_the_next_start(scene, tmp_path):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    mid = store(app).get(cid).media["id"]
    store(app).job_path(mid).unlink()  # a crash between keeping the file and writing its job
    restarted = create_app({**{k: app.config[k] for k in ("DATA_DIR", "SECRET_KEY")}, "TESTING": True})
    assert jobs(restarted).pending() == [mid]  # the start-up task (web.startup) gave it back
    assert jobs(restarted).run_pending() == {"done": 1}


def test_upload_whose_contribution_was_never_saved_is_removed_after_a_while(app, tmp_path, monkeypatch):
    setup_mediation(app)
    with app.test_request_context():
        from mediation.uploads import store_media

        media = store_media("c-0123456789ab", "video", make_video(tmp_path))
    assert jobs(app).run_pending() == {"waiting": 1}  # its request may still be saving it
    assert store(app).media_dir(media["id"]).exists()
    monkeypatch.setattr(videojobs, "GRACE_SECONDS", 0)
    assert jobs(app).run_pending() == {"dropped": 1}
    assert not store(app).media_dir(media["id"]).exists()
    assert jobs(app).pending() == []


def test_web_worker_thread_takes_the_job(scene, tmp_path):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    runner = videojobs.VideoJobs(store(app), tmp_path / "work", background=True)
    runner.kick()
    assert runner.passed.wait(120)
    assert store(app).get(cid).media["state"] == "ready"
    assert runner.pending() == []


def test_after_a_restart_a_web_worker_takes_the_job_up_by_itself(scene, tmp_path, monkeypatch):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    monkeypatch.setattr(startup, "DELAY_SECONDS", 0)
    served = create_app({k: app.config[k] for k in ("DATA_DIR", "SECRET_KEY")})  # not TESTING: a server
    runner = jobs(served)
    assert runner._thread is None  # create_app started nothing (gunicorn forks after it)
    assert served.test_client().get("/").status_code in (200, 302)
    assert runner.passed.wait(120)
    for thread in threading.enumerate():
        if thread.name == "reperes-start-tasks":
            thread.join(30)
    assert store(served).get(cid).media["state"] == "ready"
    assert runner.pending() == []


def test_cli_processes_pending_videos(scene, tmp_path, runner):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    result = runner.invoke(args=["media", "process-pending"])
    assert result.exit_code == 0, result.output
    assert "Vidéos en attente : 1." in result.output
    assert "Prêtes : 1." in result.output
    assert store(app).get(cid).media["state"] == "ready"


# ---------------------------------------------------------------- erasure and check


@pytest.mark.parametrize("how", ["cli", "web"])
def test_erasure_removes_pending_work(scene, tmp_path, runner, how):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    mid = store(app).get(cid).media["id"]
    if how == "cli":
        result = runner.invoke(args=["purge-person", "Soleil", "--yes"])
        assert result.exit_code == 0, result.output
    else:
        admin = Actor(app, "admin")
        response = admin.post(f"/atelier/personnes/{scene['pid']}/effacer", {"confirm": "Soleil"}, "/atelier/")
        assert response.status_code == 302
    assert not store(app).media_dir(mid).exists()
    assert not store(app).job_path(mid).exists()
    assert jobs(app).run_pending() == {}


def test_erasure_after_the_web_version_removes_it(scene, tmp_path, runner):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    mid = store(app).get(cid).media["id"]
    jobs(app).run_pending()
    assert runner.invoke(args=["purge-person", "Soleil", "--yes"]).exit_code == 0
    assert not store(app).media_dir(mid).exists()


def test_job_of_a_media_erased_meanwhile_is_dropped(scene, tmp_path):
    app = scene["app"]
    cid = send_video(scene, make_video(tmp_path))
    mid = store(app).get(cid).media["id"]
    job = store(app).job_path(mid).read_text()
    store(app).remove_media(mid)
    store(app).job_path(mid).write_text(job)  # e.g. a job file restored from an older backup
    assert jobs(app).run_pending() == {"dropped": 1}
    assert not store(app).media_dir(mid).exists()
    assert jobs(app).pending() == []


def test_check_sees_nothing_wrong_before_and_after(scene, tmp_path):
    app = scene["app"]
    send_video(scene, make_video(tmp_path))
    media_problems = [p for p in check(app.config["DATA_DIR"], media_sets(app)).problems
                      if p.kind.startswith(("media", "stray"))]
    assert media_problems == []
    jobs(app).run_pending()
    report = check(app.config["DATA_DIR"], media_sets(app))
    assert [p for p in report.problems if p.kind.startswith(("media", "stray"))] == []
    assert report.media == 1
