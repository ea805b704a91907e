"""Videos get their web version in the background, never while the person who sent them waits.

The upload only checks the file (type, size, ffprobe) and keeps it as it came in
``DATA_DIR/media/<m-id>/original.<ext>`` (never served), with a job file
``DATA_DIR/media-jobs/<m-id>.json``. A runner then makes the web version (H.264/AAC MP4 without
metadata, longest side at most 1280 px, a poster), puts it in the media folder, marks the
contribution ready and deletes the original with its metadata (GPS...).

- One runner at a time across every process (an fcntl lock on ``media-jobs/.runner.lock``;
  released by the kernel if the process dies), ffmpeg under ``nice``: two cores, one encoder.
- In a web worker the runner is a daemon thread started on first need (an upload, or the
  start-up task that resumes the jobs a stopped server left), never in create_app (gunicorn
  forks after it). Tests and ``flask media process-pending`` call ``run_pending`` directly.
- A job survives restarts: its file stays until the job ends. Each start of a job is counted
  in the file first, so a job that kills its process is tried MAX_ATTEMPTS times, then marked
  failed (a plain French message; the person sends the video again), never retried forever.
- Erasure and replacement delete the media folder and the job (``MediationStore.remove_media``);
  a runner that finds them gone drops its work.

No Flask here except the small glue at the end (``jobs(app)``, ``resume_at_start``).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

from i18n import N_
from media import av
from media.images import ImageError, process_image
from mediation.store import MEDIA_ID_RE, MediationStore
from wiki import faults
from wiki.store import NotFound, atomic_write, fsync_dir, try_file_lock

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2          # a job whose process died twice is marked failed
GRACE_SECONDS = 600       # an upload whose contribution is not saved yet is left alone this long
POLL_SECONDS = 300        # the thread also looks for jobs this often (waiting ones, other workers')
AUTHOR = "reperes"        # the revision that marks a video ready or failed
JOB_RE = re.compile(r"^(m-[0-9a-f]{12})\.json$")

PENDING_MESSAGE = N_("Votre vidéo est bien reçue. Elle sera visible dans quelques minutes.")
FAILED_MESSAGE = N_("Cette vidéo n'a pas pu être préparée. Envoyez-la encore, ou choisissez une autre vidéo.")


class VideoJobs:
    """The spool of videos waiting for their web version, and the runner that empties it."""

    def __init__(self, store: MediationStore, work_root: Path | str, *, background: bool = False):
        self.store = store
        self.spool = store.jobs_root
        self.work_root = Path(work_root)   # DATA_DIR/tmp/...: neither backed up nor checked
        self.background = background       # False: no thread (tests, CLI); run_pending by hand
        self._thread: threading.Thread | None = None
        self._thread_pid = 0
        self._wake = threading.Event()
        self._guard = threading.Lock()
        self.passed = threading.Event()    # set after each pass of the thread (tests wait on it)
        self._running: tuple[str, int] | None = None  # (media id, attempts before this one)
        self._exit_hook = False

    # ------------------------------------------------------------ the spool

    def enqueue(self, mid: str, cid: str, created: float | None = None) -> None:
        """Write the job of a kept video (atomic; one job per media, written again is harmless)."""
        path = self.store.job_path(mid)
        self.spool.mkdir(parents=True, exist_ok=True)
        job = {"media": mid, "contribution": cid, "created": created or time.time(), "attempts": 0}
        atomic_write(path, json.dumps(job))

    def pending(self) -> list[str]:
        """Media ids with a job, oldest job first."""
        try:
            entries = [e for e in os.scandir(self.spool) if JOB_RE.match(e.name)]
        except FileNotFoundError:
            return []
        stamped = []
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                stamped.append((entry.stat().st_mtime_ns, entry.name))
        return [JOB_RE.match(name).group(1) for _t, name in sorted(stamped)]

    def _read_job(self, mid: str) -> dict | None:
        path = self.store.job_path(mid)
        try:
            job = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            job = None
        if not isinstance(job, dict) or job.get("media") != mid:
            log.warning("video job %s unreadable: rebuilt from its media folder", mid)
            return {"media": mid, "contribution": self.store.media_owner(mid) or "",
                    "created": time.time() - GRACE_SECONDS, "attempts": MAX_ATTEMPTS - 1}
        return job

    def resume(self) -> int:
        """Give a job to every kept upload that has none (a crash between the two); how many."""
        count = 0
        if not self.store.media_root.is_dir():
            return 0
        for entry in os.scandir(self.store.media_root):
            if not MEDIA_ID_RE.match(entry.name) or self.store.job_path(entry.name).exists():
                continue
            original = self.store.original_file(entry.name)
            if original is None:
                continue
            with contextlib.suppress(OSError):
                self.enqueue(entry.name, self.store.media_owner(entry.name) or "",
                             created=original.stat().st_mtime)
                count += 1
        return count

    # ------------------------------------------------------------ the runner

    def _runner_lock(self, block: bool):
        self.spool.mkdir(parents=True, exist_ok=True)
        return try_file_lock(self.spool / ".runner.lock", block)

    def run_pending(self, *, block: bool = True) -> Counter | None:
        """Process every job, one at a time; what became of them (None: another runner is at it).

        Counts: done, failed, waiting (left for later), dropped (media erased or replaced).
        """
        with self._runner_lock(block) as locked:
            if not locked:
                return None
            shutil.rmtree(self.work_root, ignore_errors=True)  # a runner killed half-way
            counts: Counter = Counter()
            seen: set[str] = set()
            while True:
                todo = [mid for mid in self.pending() if mid not in seen]
                if not todo:
                    return counts
                for mid in todo:
                    seen.add(mid)
                    try:
                        counts[self.process(mid)] += 1
                    except Exception:  # a full disk...: the job stays, its attempts counted
                        log.exception("video job %s", mid)
                        counts["waiting"] += 1

    def process(self, mid: str) -> str:
        """Make the web version of one video (the caller holds the runner lock)."""
        job = self._read_job(mid)
        if job is None:
            return "dropped"
        cid = str(job.get("contribution") or "")
        original = self.store.original_file(mid)
        if original is None:  # erased, replaced, or finished by a runner killed before the cleanup
            self.store.job_path(mid).unlink(missing_ok=True)
            return "dropped"
        item = self.store.get(cid) if cid else None
        if item is None or (item.media or {}).get("id") != mid:
            if time.time() - float(job.get("created") or 0) < GRACE_SECONDS:
                return "waiting"  # the upload's contribution is being saved right now
            self.store.remove_media(mid)  # a contribution never saved, or another video chosen
            return "dropped"
        if item.media.get("state") == "ready":
            with self.store.media_lock():
                original.unlink(missing_ok=True)
                self.store.job_path(mid).unlink(missing_ok=True)
            return "done"
        if not av.available():
            return "waiting"  # ffmpeg went away: the moderation page says so
        attempts = int(job.get("attempts") or 0) + 1
        if attempts > MAX_ATTEMPTS:
            log.warning("video %s: given up after %d attempts", mid, attempts - 1)
            return self._fail(mid, cid)
        atomic_write(self.store.job_path(mid), json.dumps({**job, "attempts": attempts}))
        work = self.work_root / f"{mid}-{os.getpid()}-{secrets.token_hex(4)}"
        work.mkdir(parents=True)
        self._running = (mid, attempts - 1)
        try:
            try:
                web = av.make_web_video(original, work)
            except av.MediaError:
                log.warning("video %s: ffmpeg could not make a web version", mid)
                return self._fail(mid, cid)
            faults.point("video.encoded")
            return self._install(mid, cid, web)
        finally:
            self._running = None
            shutil.rmtree(work, ignore_errors=True)

    def uncount_interrupted(self) -> None:
        """At a clean exit (gunicorn recycling a worker, a restart): the job in progress was not
        the video's fault, so its attempt is not counted. A killed process counts it."""
        running = self._running
        if running is None:
            return
        mid, before = running
        path = self.store.job_path(mid)
        with contextlib.suppress(OSError, ValueError):
            job = json.loads(path.read_text(encoding="utf-8"))
            atomic_write(path, json.dumps({**job, "attempts": before}))

    def _install(self, mid: str, cid: str, web: av.WebVideo) -> str:
        poster = None
        if web.poster:
            with contextlib.suppress(ImageError):
                poster = process_image(web.poster, thumb_sizes=(320,))
        with self.store.media_lock():
            folder = self.store.media_dir(mid)
            if not folder.is_dir() or self.store.media_owner(mid) != cid:
                self.store.job_path(mid).unlink(missing_ok=True)
                return "dropped"  # erased while ffmpeg worked
            files = {"main": "mp4"}
            os.replace(web.path, folder / "main.mp4")
            fsync_dir(folder)
            if poster:
                atomic_write(folder / f"poster.{poster.ext}", poster.data)
                atomic_write(folder / f"t320.{poster.ext}", poster.thumbs[320])
                files.update(poster=poster.ext, t320=poster.ext)

            def ready(c) -> None:
                media = {k: v for k, v in (c.media or {}).items() if k not in ("original", "error")}
                c.media = {**media, "files": files, "mime": "video/mp4", "web_mime": "", "state": "ready",
                           "processed": True, "re_encoded": web.re_encoded, "duration": web.duration,
                           "width": web.width, "height": web.height}

            if not self._update(cid, mid, ready, "vidéo prête"):
                shutil.rmtree(folder, ignore_errors=True)
                self.store.job_path(mid).unlink(missing_ok=True)
                return "dropped"
            for path in folder.glob("original.*"):
                path.unlink(missing_ok=True)  # its metadata (GPS...) goes with it
            self.store.job_path(mid).unlink(missing_ok=True)
        return "done"

    def _fail(self, mid: str, cid: str) -> str:
        """Mark the video failed (the person sends it again) and delete the kept upload."""
        def failed(c) -> None:
            c.media = {**{k: v for k, v in (c.media or {}).items() if k != "original"},
                       "state": "failed", "files": {}, "error": FAILED_MESSAGE}

        with self.store.media_lock():
            self._update(cid, mid, failed, "vidéo en échec")
            with contextlib.suppress(ValueError):
                for path in self.store.media_dir(mid).glob("original.*"):
                    path.unlink(missing_ok=True)
            self.store.job_path(mid).unlink(missing_ok=True)
        return "failed"

    def _update(self, cid: str, mid: str, change, comment: str) -> bool:
        """Change the contribution's media if it still names this one (False: it does not)."""
        item = self.store.get(cid)
        if item is None or (item.media or {}).get("id") != mid:
            return False
        named = {"ok": True}

        def apply(c) -> None:
            if (c.media or {}).get("id") != mid:
                named["ok"] = False
                raise NotFound(mid)
            change(c)

        try:
            self.store.update(cid, apply, AUTHOR, comment)
        except NotFound:
            return False
        return named["ok"]

    # ------------------------------------------------------------ the thread of a web worker

    def kick(self) -> None:
        """Get the jobs done soon by this process's thread (started here on first need)."""
        if not self.background:
            return
        with self._guard:
            if self._thread is None or self._thread_pid != os.getpid() or not self._thread.is_alive():
                self._thread_pid = os.getpid()
                self._wake = threading.Event()
                self._thread = threading.Thread(target=self._loop, name="reperes-video-jobs", daemon=True)
                self._thread.start()
                if not self._exit_hook:
                    self._exit_hook = True
                    atexit.register(self.uncount_interrupted)
            self._wake.set()

    def _loop(self) -> None:
        wake = self._wake
        while True:
            try:
                if self.pending():
                    self.run_pending(block=True)
            except Exception:
                log.exception("video jobs: the runner failed; will try again")
            self.passed.set()
            wake.wait(timeout=POLL_SECONDS)
            wake.clear()


# ---------------------------------------------------------------- Flask glue


def jobs(app) -> VideoJobs:
    """The video jobs of an app."""
    return app.extensions["reperes"]["video_jobs"]


def init_app(app, store: MediationStore) -> VideoJobs:
    """The app's runner (a background thread in web workers, none under TESTING), its start-up
    task, and a look at the spool at each worker's first request (a worker recycled by gunicorn
    in the middle of a video: the new one takes the job up again)."""
    runner = VideoJobs(store, Path(app.config["DATA_DIR"]) / "tmp" / "media-work",
                       background=not app.testing)
    app.extensions.setdefault("reperes", {})["video_jobs"] = runner
    from web import startup

    startup.register(app, resume_at_start)
    looked = {"pid": 0}

    @app.before_request
    def _resume_video_jobs():
        if looked["pid"] != os.getpid():
            looked["pid"] = os.getpid()
            if runner.background and runner.pending():
                runner.kick()

    return runner


def resume_at_start(app) -> None:
    """Start-up task (web.startup): jobs a stopped server left are taken up again."""
    runner = jobs(app)
    runner.resume()
    if runner.pending():
        runner.kick()
