"""Extra content for the accessibility tests and screenshots, on top of the demo folder:
a wiki page with two revisions and a photo, a mediation draft, and a published voice and
video (with their transcripts) so that media pages are checked too."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

WIKI_PAGE = "Essai accessibilité"


def _jpeg(color: str = "teal") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(out, "JPEG")
    return out.getvalue()


def _ffmpeg(args: list[str], suffix: str) -> bytes:
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is required (apt-get install ffmpeg)"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"media{suffix}"
        subprocess.run([ffmpeg, "-v", "error", "-y", *args, str(out)], check=True, timeout=120)
        return out.read_bytes()


def _published(app, store, kind: str, data: bytes, pid: str, wid: str, slug: str, transcript: str) -> str:
    from mediation.uploads import store_media

    item = store.create(kind, pid, wid, "medi", author="medi")
    with app.test_request_context():
        media = store_media(item.id, kind, data)

    def publish(c):
        c.media = media
        c.structure, c.link = slug, "structure"
        c.transcript = transcript
        c.consent.given, c.consent.scope, c.consent.mediator, c.consent.date = True, "public", "medi", time.time()
        c.status, c.proposed, c.published = "publie", time.time(), time.time()

    store.update(item.id, publish, author="modo", comment="publié (tests)")
    if media.get("state") == "pending":  # a video's web version: made now (mediation/videojobs.py)
        from mediation.videojobs import jobs

        jobs(app).run_pending()
    return item.id


def seed_extras(app) -> dict[str, str]:
    """Create the extra content once (idempotent per data folder); return names for URLs."""
    from wiki.attachments import prepare

    ext = app.extensions["reperes"]
    pages, mediation = ext["pages"], ext["mediation"]
    names: dict[str, str] = {"page": WIKI_PAGE}
    if not pages.exists(WIKI_PAGE):
        pages.save(WIKI_PAGE, "# Essai\n\nPremière version.", author="anne", meta={"public": True})
        pages.save(WIKI_PAGE, "# Essai\n\nDeuxième version.\n\n![Une façade bleue](attachment:facade.jpg)\n\n- [ ] appeler",
                   author="bob", meta={"public": True})
        ext["page_attachments"].add(WIKI_PAGE, prepare("facade.jpg", _jpeg()), author="anne")
    events = sorted(ext["events"].names())
    names["event_public"] = next(n for n in events if "portes-ouvertes" in n)
    names["event_internal"] = next(n for n in events if "reunion-du-groupe" in n)
    names["slug"] = "agheb-le-phare"
    names["media_slug"] = "point-48"  # not the mediation journey's place: it counts its players
    workshop = mediation.all_workshops()[0]
    names["wid"] = workshop.id
    person = mediation.find_participant("Essai") or mediation.add_participant("Essai", by="medi")
    mediation.join(workshop.id, person.id, by="medi")
    names["pid"] = person.id
    drafts = [c for c in mediation.all() if c.participant == person.id and c.status == "brouillon"]
    names["draft"] = drafts[0].id if drafts else mediation.create("texte", person.id, workshop.id, "medi", "medi").id
    public = [c for c in mediation.all() if c.status == "publie"]
    names["published"] = public[0].id
    voices = [c for c in public if c.kind == "voix" and c.participant == person.id]
    if not voices:
        voice = _ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libopus"], ".webm")
        _published(app, mediation, "voix", voice, person.id, workshop.id, names["media_slug"],
                   "On est bien reçus, le café est bon.")
        video = _ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1",
                         "-f", "lavfi", "-i", "sine=duration=1", "-shortest",
                         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"], ".mp4")
        _published(app, mediation, "video", video, person.id, workshop.id, names["media_slug"],
                   "Voici l'entrée du Phare, la porte est à gauche.")
    media = [c for c in mediation.all() if c.status == "publie" and c.participant == person.id]
    names["voice"] = next(c.id for c in media if c.kind == "voix")
    names["video"] = next(c.id for c in media if c.kind == "video")
    return names
