"""Unit tests of audio/video checks and metadata stripping (files made in the test)."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import wave

import pytest

from media import av
from media.sniff import sniff

FFMPEG = shutil.which("ffmpeg")
MB = 1024 * 1024


def make_wav(seconds: float = 1.0, rate: int = 8000, silent_frames: bool = False) -> bytes:
    """A tiny mono 16-bit WAV holding a 440 Hz tone (or no frame at all)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        if not silent_frames:
            frames = b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(int(seconds * rate))
            )
            w.writeframes(frames)
    return out.getvalue()


def make_with_ffmpeg(tmp_path, args: list[str], name: str) -> bytes:
    """Run ffmpeg (installed here and by scripts/test) to build a file with metadata to drop."""
    assert FFMPEG, "ffmpeg is required by these tests: apt-get install ffmpeg"
    out = tmp_path / name
    subprocess.run([FFMPEG, "-v", "error", "-y", *args, "-metadata", "title=Secret title",
                    "-metadata", "location=+48.39-004.48/", str(out)], check=True, timeout=120)
    return out.read_bytes()


def make_webm_audio(tmp_path, seconds: float = 1.0) -> bytes:
    return make_with_ffmpeg(tmp_path, ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                                       "-c:a", "libopus"], "voice.webm")


def make_webm_video(tmp_path) -> bytes:
    return make_with_ffmpeg(tmp_path, ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2",
                                       "-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libvpx",
                                       "-c:a", "libopus", "-shortest"], "clip.webm")


def test_tiny_wav_is_accepted_as_audio():
    data = make_wav()
    found = av.check(data, av.AUDIO, MB)
    assert (found.mime, found.category) == ("audio/wav", "audio")


def test_wav_without_samples_is_an_empty_recording():
    with pytest.raises(av.MediaError, match="vide"):
        av.check(make_wav(silent_frames=True) + b"\x00" * 300, av.AUDIO, MB)


@pytest.mark.parametrize("data", [b"", b"\x1a\x45\xdf\xa3", b"OggS\x00"])
def test_empty_or_header_only_recording_is_refused(data):
    with pytest.raises(av.MediaError) as info:
        av.check(data, av.AUDIO, MB)
    assert info.value.reason == "empty"
    assert "vide" in str(info.value)


@pytest.mark.parametrize(
    "data",
    [b"<html><script>alert(1)</script></html>" * 20, b"<svg onload=alert(1)>" + b" " * 300,
     b"%PDF-1.4" + b"\x00" * 400, b"\xff\xd8\xff\xe0" + b"\x00" * 400],
)
def test_wrong_type_recording_is_refused(data):
    with pytest.raises(av.MediaError, match="pas un son"):
        av.check(data, av.AUDIO, MB)


def test_oversize_video_is_refused_before_anything_else():
    with pytest.raises(av.MediaError, match="trop lourde"):
        av.check(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 2000, av.VIDEO, 1000)


def test_sound_is_not_a_video():
    with pytest.raises(av.MediaError, match="pas une vidéo"):
        av.check(make_wav(), av.VIDEO, MB)


def test_without_ffmpeg_file_is_kept_as_uploaded(monkeypatch):
    monkeypatch.setattr(av, "tools", lambda: (None, None))
    data = make_wav()
    result = av.process(data, av.AUDIO, max_bytes=MB)
    assert result.processed is False
    assert result.data == data
    assert result.web is None
    assert not av.available()


def test_webm_voice_is_stripped_and_given_a_web_version(tmp_path):
    data = make_webm_audio(tmp_path)
    assert "Secret title" in str(av.metadata_tags(data, "webm"))
    assert sniff(data).category == "audio"
    result = av.process(data, av.AUDIO, max_bytes=10 * MB)
    assert result.processed
    assert result.ext == "webm"
    assert 0.8 < result.duration < 1.3
    tags = av.metadata_tags(result.data, "webm")
    assert "Secret title" not in str(tags)
    assert "48.39" not in str(tags)
    assert result.web[4:8] == b"ftyp"
    assert "Secret title" not in str(av.metadata_tags(result.web, "m4a"))


def test_silent_webm_without_audio_stream_is_empty(tmp_path):
    data = make_with_ffmpeg(tmp_path, ["-f", "lavfi", "-i", "sine=duration=0.1", "-c:a", "libopus"],
                            "short.webm")
    with pytest.raises(av.MediaError, match="vide"):
        av.process(data, av.AUDIO, max_bytes=MB)


def test_video_gets_stripped_web_version_and_poster(tmp_path):
    data = make_webm_video(tmp_path)
    result = av.process(data, av.VIDEO, max_bytes=10 * MB)
    assert result.processed
    assert result.category == "video"
    assert "Secret title" not in str(av.metadata_tags(result.data, "webm"))
    assert result.web_mime == "video/mp4"
    assert result.poster.startswith(b"\xff\xd8\xff")


def test_broken_recording_is_refused(tmp_path):
    data = make_webm_audio(tmp_path)
    with pytest.raises(av.MediaError):
        av.process(data[:300], av.AUDIO, max_bytes=MB)


def test_h264_mp4_is_stripped_but_not_re_encoded(tmp_path):
    data = make_with_ffmpeg(tmp_path, ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2",
                                       "-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libx264",
                                       "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"], "phone.mp4")
    assert "48.39" in str(av.metadata_tags(data, "mp4"))
    result = av.process(data, av.VIDEO, max_bytes=10 * MB)
    assert result.processed
    assert result.web is None
    assert "48.39" not in str(av.metadata_tags(result.data, "mp4"))
    assert result.poster.startswith(b"\xff\xd8\xff")


def test_video_of_one_second_or_less_gets_its_poster_from_the_first_frame(tmp_path):
    # Seeking to 1 s in a 1 s clip makes ffmpeg succeed without writing a frame (was a 500).
    data = make_with_ffmpeg(tmp_path, ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1",
                                       "-c:v", "libx264", "-pix_fmt", "yuv420p"], "short.mp4")
    result = av.process(data, av.VIDEO, max_bytes=10 * MB)
    assert result.poster.startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize(("ext", "codecs", "expected"), [
    ("mp4", {("video", "h264"), ("audio", "aac")}, True),
    ("m4a", {("audio", "aac")}, True),
    ("mp4", {("video", "hevc"), ("audio", "aac")}, False),
    ("webm", {("video", "vp8"), ("audio", "opus")}, False),
    ("mov", {("video", "h264")}, False),
    ("mp4", set(), False),
])
def test_web_playable(ext, codecs, expected):
    assert av.web_playable(ext, codecs) is expected
