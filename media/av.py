"""Audio and video: type checked from the first bytes, size-limited, and, where ffmpeg exists,
stripped of metadata (``-map_metadata -1``), given a web-playable version and a poster image.

Without ffmpeg/ffprobe the file is kept exactly as uploaded (``AVResult.processed`` is False)
and the admin pages say so. No Flask here; messages are plain French for the person who sent
the file, and never shame them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from media.sniff import Sniffed, UnsupportedType, sniff

AUDIO, VIDEO = "audio", "video"
MIN_BYTES = 200          # below this, a "recording" holds no sound at all
MIN_SECONDS = 0.3        # ffprobe says shorter: nothing was recorded
TIMEOUT_PROBE = 30
TIMEOUT_ENCODE = 240  # under gunicorn's 300 s (deploy/): too long, the file is kept as sent

def N_(message: str) -> str:
    """Mark a message for the translation catalogue (translated where it is shown)."""
    return message


MESSAGES = {
    (AUDIO, "empty"): N_("L'enregistrement est vide. Appuyez sur le bouton et parlez, puis essayez encore."),
    (AUDIO, "type"): N_("Ce fichier n'est pas un son. Essayez un autre fichier."),
    (AUDIO, "size"): N_("Cet enregistrement est trop long. Essayez un enregistrement plus court."),
    (AUDIO, "broken"): N_("Cet enregistrement est abîmé. Essayez encore."),
    (VIDEO, "empty"): N_("La vidéo est vide. Essayez une autre vidéo."),
    (VIDEO, "type"): N_("Ce fichier n'est pas une vidéo. Essayez une autre vidéo."),
    (VIDEO, "size"): N_("Cette vidéo est trop lourde. Essayez une vidéo plus courte."),
    (VIDEO, "broken"): N_("Cette vidéo est abîmée. Essayez une autre vidéo."),
}


class MediaError(ValueError):
    """The sound or video cannot be accepted; the message is plain French."""

    def __init__(self, expected: str, reason: str):
        super().__init__(MESSAGES[(expected, reason)])
        self.reason = reason


@dataclass(frozen=True)
class AVResult:
    """What to store: the main file (metadata stripped when processed), a web version, a poster."""

    data: bytes
    mime: str
    ext: str
    category: str
    processed: bool                 # False: kept as uploaded (no ffmpeg)
    duration: float | None = None
    web: bytes | None = None        # web-playable version (m4a/AAC or mp4/H.264)
    web_mime: str = ""
    web_ext: str = ""
    poster: bytes | None = None     # JPEG of one video frame


def tools() -> tuple[str | None, str | None]:
    """Paths of ffmpeg and ffprobe, or None when they are not installed."""
    return shutil.which("ffmpeg"), shutil.which("ffprobe")


def available() -> bool:
    """Whether audio and video can be processed (both ffmpeg and ffprobe are installed)."""
    ffmpeg, ffprobe = tools()
    return bool(ffmpeg and ffprobe)


def check(data: bytes, expected: str, max_bytes: int) -> Sniffed:
    """Check size and type from the content (never from the name or the browser's word)."""
    if len(data) > max_bytes:
        raise MediaError(expected, "size")
    if len(data) < MIN_BYTES:
        raise MediaError(expected, "empty")
    try:
        found = sniff(data)
    except UnsupportedType as exc:
        raise MediaError(expected, "type") from exc
    if expected == AUDIO and found.category == VIDEO and found.ext in ("webm", "mp4"):
        # A phone may label a voice note as video: ffprobe decides below; the sound is kept.
        return Sniffed("audio/" + ("webm" if found.ext == "webm" else "mp4"),
                       "webm" if found.ext == "webm" else "m4a", AUDIO)
    if expected == VIDEO and found.category == AUDIO and found.ext == "webm":
        return Sniffed("video/webm", "webm", VIDEO)  # ffprobe checks there is a picture
    if found.category != expected:
        raise MediaError(expected, "type")
    if found.mime == "audio/wav" and _wav_is_empty(data):
        raise MediaError(expected, "empty")
    return found


def _wav_is_empty(data: bytes) -> bool:
    """Whether a WAV file's data chunk holds no sample (checked without any library)."""
    pos = 12
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if kind == b"data":
            return size == 0 or pos + 8 >= len(data)
        pos += 8 + size + (size & 1)
    return True


def probe(path: Path, ffprobe: str) -> dict:
    """Streams and duration of a file, from ffprobe (raises MediaError-friendly ValueError)."""
    out = subprocess.run(
        [ffprobe, "-v", "error", "-show_entries",
         "format=duration:stream=codec_type,codec_name,width,height", "-of", "json", str(path)],
        capture_output=True, timeout=TIMEOUT_PROBE, check=False,
    )
    if out.returncode != 0:
        raise ValueError(out.stderr.decode("utf-8", "replace")[:500])
    info = json.loads(out.stdout or b"{}")
    streams = [s.get("codec_type") for s in info.get("streams", [])]
    codecs = {(s.get("codec_type"), s.get("codec_name")) for s in info.get("streams", [])}
    try:
        duration = float(info.get("format", {}).get("duration"))
    except (TypeError, ValueError):
        duration = None
    size = next(((s.get("width"), s.get("height")) for s in info.get("streams", [])
                 if s.get("codec_type") == "video" and s.get("width")), (None, None))
    return {"streams": streams, "codecs": codecs, "duration": duration, "size": size}


def web_playable(ext: str, codecs: set) -> bool:
    """Whether every browser plays the file as it is (MP4 with H.264 and AAC/MP3): no re-encoding."""
    video = {name for kind, name in codecs if kind == "video"}
    audio = {name for kind, name in codecs if kind == "audio"}
    return ext in ("mp4", "m4a") and video <= {"h264"} and audio <= {"aac", "mp3"} and bool(video | audio)


def _run(cmd: list[str], timeout: int = TIMEOUT_ENCODE) -> bool:
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def process(data: bytes, expected: str, *, max_bytes: int) -> AVResult:
    """Check a sound or a video and, when ffmpeg exists, strip it and make its web version."""
    found = check(data, expected, max_bytes)
    ffmpeg, ffprobe = tools()
    if not (ffmpeg and ffprobe):
        return AVResult(data, found.mime, found.ext, expected, processed=False)
    with tempfile.TemporaryDirectory(prefix="reperes-av-") as tmp:
        folder = Path(tmp)
        source = folder / f"in.{found.ext}"
        source.write_bytes(data)
        try:
            info = probe(source, ffprobe)
        except (ValueError, OSError, subprocess.TimeoutExpired) as exc:
            raise MediaError(expected, "broken") from exc
        has_audio, has_video = "audio" in info["streams"], "video" in info["streams"]
        duration = info["duration"]
        if expected == AUDIO and not has_audio:
            raise MediaError(expected, "empty" if not has_video else "type")
        if expected == VIDEO and not has_video:
            raise MediaError(expected, "type")
        if duration is not None and duration < MIN_SECONDS and expected == AUDIO:
            raise MediaError(expected, "empty")
        maps = ["-map", "0:a"] if expected == AUDIO else ["-map", "0:v:0", "-map", "0:a?"]
        strip = ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact"]
        stripped = folder / f"main.{found.ext}"
        if not _run([ffmpeg, "-v", "error", "-y", "-i", str(source), *maps, *strip, "-c", "copy",
                     str(stripped)]):
            raise MediaError(expected, "broken")
        main = stripped.read_bytes()
        if duration is None:  # browser recordings carry no duration; the remuxed copy does
            try:
                duration = probe(stripped, ffprobe)["duration"]
            except (ValueError, OSError, subprocess.TimeoutExpired):
                duration = None
            if duration is not None and duration < MIN_SECONDS and expected == AUDIO:
                raise MediaError(expected, "empty")
        if expected == AUDIO:
            web_ext, web_mime = "m4a", "audio/mp4"
            encode = ["-vn", "-c:a", "aac", "-b:a", "96k", "-ac", "1"]
        else:
            web_ext, web_mime = "mp4", "video/mp4"
            encode = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p",
                      "-vf", "scale='min(1280,iw)':-2", "-c:a", "aac", "-b:a", "96k"]
        web_path = folder / f"web.{web_ext}"
        web = None
        # Phones mostly send H.264/AAC: the stripped file then plays everywhere as it is.
        if not web_playable(found.ext, info["codecs"]) and _run(
                [ffmpeg, "-v", "error", "-y", "-i", str(source), *maps, *strip, *encode,
                 "-movflags", "+faststart", str(web_path)]):
            web = web_path.read_bytes()
        poster = _poster(ffmpeg, source, folder / "poster.jpg") if expected == VIDEO else None
        return AVResult(main, found.mime, found.ext, expected, processed=True, duration=duration,
                        web=web, web_mime=web_mime if web else "", web_ext=web_ext if web else "",
                        poster=poster)


def metadata_tags(data: bytes, ext: str) -> dict:
    """The container-level tags ffprobe sees in a file (tests and `check` use it)."""
    _ffmpeg, ffprobe = tools()
    if not ffprobe:
        return {}
    with tempfile.TemporaryDirectory(prefix="reperes-av-") as tmp:
        path = Path(tmp) / f"probe.{ext}"
        path.write_bytes(data)
        out = subprocess.run([ffprobe, "-v", "error", "-show_entries", "format_tags:stream_tags",
                              "-of", "json", str(path)], capture_output=True, timeout=TIMEOUT_PROBE,
                             check=False)
    info = json.loads(out.stdout or b"{}")
    tags = dict(info.get("format", {}).get("tags", {}))
    for stream in info.get("streams", []):
        tags.update(stream.get("tags", {}))
    return tags


# ---------------------------------------------------------------- videos, in two steps
#
# The upload only runs `inspect_video` (ffprobe: a fraction of a second) and keeps the original;
# `make_web_video` (ffmpeg: about as long as the film on two cores) runs later, off the request
# (mediation/videojobs.py).

WEB_MAX_SIDE = 1280
TIMEOUT_BACKGROUND = 1800  # off the request: a long film on a busy machine may take minutes
# Longest side at most WEB_MAX_SIDE, even sizes (H.264 in yuv420p needs them), never enlarged.
_SCALE = (f"scale=w='if(gte(iw,ih),trunc(min({WEB_MAX_SIDE},iw)/2)*2,-2)':"
          f"h='if(gte(iw,ih),-2,trunc(min({WEB_MAX_SIDE},ih)/2)*2)'")


@dataclass(frozen=True)
class VideoInfo:
    """What ffprobe says of an uploaded video (the upload keeps it in the contribution)."""

    duration: float | None
    width: int | None
    height: int | None


def _poster(ffmpeg: str, video: Path, poster_path: Path) -> bytes | None:
    """A JPEG still of the video (at 1 s, else its first frame), without metadata; None if none."""
    for when in ("1", "0"):
        if _run([ffmpeg, "-v", "error", "-y", "-ss", when, "-i", str(video), "-frames:v", "1",
                 "-map_metadata", "-1", "-f", "image2", "-c:v", "mjpeg", str(poster_path)],
                timeout=TIMEOUT_PROBE) and poster_path.is_file() and poster_path.stat().st_size > 0:
            return poster_path.read_bytes()
    return None


def _probe_video(path: Path, ffprobe: str) -> dict:
    """ffprobe's view of a video; MediaError when unreadable or without a picture."""
    try:
        info = probe(path, ffprobe)
    except (ValueError, OSError, subprocess.TimeoutExpired) as exc:
        raise MediaError(VIDEO, "broken") from exc
    if "video" not in info["streams"]:
        raise MediaError(VIDEO, "type")
    return info


def inspect_video(path: Path) -> VideoInfo:
    """Cheap check of a stored video: ffprobe reads it and finds a picture (MediaError otherwise)."""
    _ffmpeg, ffprobe = tools()
    if not ffprobe:
        raise RuntimeError("ffprobe is not installed")
    info = _probe_video(path, ffprobe)
    width, height = info["size"]
    return VideoInfo(info["duration"], width, height)


@dataclass(frozen=True)
class WebVideo:
    """The files made for the web: an H.264/AAC MP4 without metadata, and a JPEG poster."""

    path: Path
    poster: bytes | None
    duration: float | None
    width: int | None
    height: int | None
    re_encoded: bool


def _niced(cmd: list[str]) -> list[str]:
    """Run at low priority: the web workers share the two cores with the encoder."""
    nice = shutil.which("nice")
    return [nice, "-n", "10", *cmd] if nice else cmd


def make_web_video(source: Path, folder: Path, *, timeout: int = TIMEOUT_BACKGROUND) -> WebVideo:
    """Make the web version of a stored video in `folder` (MediaError "broken" when ffmpeg cannot).

    H.264/AAC (or MP3) MP4 no larger than WEB_MAX_SIDE is only remuxed without its metadata;
    anything else (WebM, HEVC, MOV, big films) is re-encoded. The poster comes from the result.
    """
    ffmpeg, ffprobe = tools()
    if not (ffmpeg and ffprobe):
        raise RuntimeError("ffmpeg is not installed")
    info = _probe_video(source, ffprobe)
    ext = source.suffix.lstrip(".")
    width, height = info["size"]
    small = bool(width and height and max(width, height) <= WEB_MAX_SIDE)
    maps = ["-map", "0:v:0", "-map", "0:a:0?"]
    strip = ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact"]
    out = folder / "web.mp4"
    re_encode = not (small and web_playable(ext, info["codecs"]))
    if re_encode:
        codec = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p",
                 "-vf", _SCALE, "-c:a", "aac", "-b:a", "96k"]
    else:
        codec = ["-c", "copy"]
    if not _run(_niced([ffmpeg, "-v", "error", "-y", "-i", str(source), *maps, *strip, *codec,
                        "-movflags", "+faststart", "-f", "mp4", str(out)]), timeout=timeout):
        raise MediaError(VIDEO, "broken")
    try:
        made = probe(out, ffprobe)
    except (ValueError, OSError, subprocess.TimeoutExpired) as exc:
        raise MediaError(VIDEO, "broken") from exc
    if "video" not in made["streams"] or not (made["duration"] or 0) > 0:
        raise MediaError(VIDEO, "broken")  # ffmpeg ran, but not one picture could be read
    poster = _poster(ffmpeg, out, folder / "poster.jpg")
    width, height = made["size"]
    return WebVideo(out, poster, made["duration"], width, height, re_encode)
