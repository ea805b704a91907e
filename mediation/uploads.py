"""Turn an uploaded photo, sound or video into stored media (checked, stripped, re-encoded).

Photos and sounds are done during the upload (Pillow, a short ffmpeg run). A video is only
checked (type, size, ffprobe) and kept as it came: its web version is made in the background
(mediation/videojobs.py), and until then pages show a placeholder, never its original.
"""

from __future__ import annotations

from flask import current_app

from media import av
from media.images import ImageError, process_image
from mediation.model import N_

EXPECTED = {"photo": "image", "voix": "audio", "avis": "audio", "video": "video"}


class UploadError(ValueError):
    """The file cannot be accepted; the message is for the participant."""


def read_upload(file_storage) -> bytes:
    """The bytes of an uploaded file ("" when nothing was chosen)."""
    if file_storage is None:
        return b""
    return file_storage.read()


def store_media(owner: str, kind: str, data: bytes) -> dict:
    """Check and process the file for a contribution kind; store it; return the media info."""
    store = current_app.extensions["reperes"]["mediation"]
    expected = EXPECTED[kind]
    config = current_app.config
    if expected == "image":
        if not data:
            raise UploadError(N_("Aucune photo n'est arrivée. Choisissez une photo et essayez encore."))
        if len(data) > config["MEDIATION_MAX_PHOTO_MB"] * 1024 * 1024:
            raise UploadError(N_("Cette photo est trop lourde. Essayez une autre photo."))
        try:
            image = process_image(data, max_pixels=config["MAX_IMAGE_PIXELS"], thumb_sizes=(320, 960))
        except ImageError as exc:
            raise UploadError(str(exc)) from exc
        files = {"main": (image.ext, image.data)}
        files.update({f"t{w}": (image.ext, thumb) for w, thumb in image.thumbs.items()})
        info = {"category": "image", "mime": image.mime, "processed": True,
                "width": image.width, "height": image.height}
        return store.add_media(owner, files, info)
    limit = config["MEDIATION_MAX_AUDIO_MB" if expected == "audio" else "MEDIATION_MAX_VIDEO_MB"]
    if expected == "video":  # even without ffmpeg: kept, waiting, never published as sent
        return keep_video(store, owner, data, limit * 1024 * 1024)
    try:
        result = av.process(data, expected, max_bytes=limit * 1024 * 1024)
    except av.MediaError as exc:
        raise UploadError(str(exc)) from exc
    files = {"main": (result.ext, result.data)}
    if result.web:
        files["web"] = (result.web_ext, result.web)
    info = {"category": expected, "mime": result.mime, "processed": result.processed,
            "duration": result.duration, "web_mime": result.web_mime}
    if result.poster:
        try:
            poster = process_image(result.poster, thumb_sizes=(320,))
        except ImageError:
            poster = None
        if poster:
            files["poster"] = (poster.ext, poster.data)
            files["t320"] = (poster.ext, poster.thumbs[320])
    return store.add_media(owner, files, info)


def keep_video(store, owner: str, data: bytes, max_bytes: int) -> dict:
    """Check a video cheaply, keep the original (never served) and write its job; the media info."""
    try:
        found = av.check(data, av.VIDEO, max_bytes)
    except av.MediaError as exc:
        raise UploadError(str(exc)) from exc
    media = store.add_original(owner, found.ext, data, {"category": "video", "mime": found.mime,
                                                       "processed": False})
    try:
        info = av.inspect_video(store.original_file(media["id"])) if av.available() else \
            av.VideoInfo(None, None, None)  # no ffprobe: its job waits for ffmpeg to be installed
    except av.MediaError as exc:
        store.remove_media(media["id"])
        raise UploadError(str(exc)) from exc
    except BaseException:
        store.remove_media(media["id"])
        raise
    from mediation.videojobs import jobs

    jobs(current_app).enqueue(media["id"], owner)
    return {**media, "duration": info.duration, "width": info.width, "height": info.height}


def start_processing(media: dict | None) -> bool:
    """After the contribution is saved: get its video's web version made soon (in the background);
    whether there was one to make."""
    if not (media and media.get("state") == "pending"):
        return False
    from mediation.videojobs import jobs

    jobs(current_app).kick()
    return True
