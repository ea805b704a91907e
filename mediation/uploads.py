"""Turn an uploaded photo, sound or video into stored media (checked, stripped, re-encoded)."""

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
