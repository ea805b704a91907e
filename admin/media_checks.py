"""What `check` knows of the media folders of other packages, read through their stores.

The mediation package keeps ``DATA_DIR/media/<m-id>/`` (variants + ``owner.json``, and the
``original.<ext>`` of a video waiting for its web version: same id, same owner) and
contributions whose JSON text names ``{"media": {"id": "m-..."}}`` (mediation/store.py). A
media is owned when the current revision of a contribution names it, or when its
``owner.json`` names a contribution that still exists (older versions of a replaced photo);
a contribution whose current revision names a missing media is an owner without media.
Other packages may add their own sets with ``admin.check.register_media(app, fn)``.
"""

from __future__ import annotations

import contextlib
import json
import re

from admin.check import MediaSet
from i18n import N_

MEDIA_ID = re.compile(r"^m-[0-9a-f]{12}$")  # mediation/store.py MEDIA_ID_RE


def mediation_media(app) -> list[MediaSet]:
    """The mediation media set, when the mediation package is installed."""
    store = app.extensions.get("reperes", {}).get("mediation")
    if store is None or not hasattr(store, "media_root") or not hasattr(store, "contributions"):
        return []
    docs = store.contributions
    referenced: dict[str, str] = {}
    for cid in docs.names(include_deleted=True):
        number = docs.current_number(cid)
        if number is None:
            continue
        with contextlib.suppress(Exception):  # a damaged document is reported by check itself
            media = json.loads(docs.load(cid, number).text).get("media") or {}
            if media.get("id"):
                referenced[str(media["id"])] = f"contribution {cid}"
    if store.media_root.is_dir():
        for entry in store.media_root.iterdir():
            owner = store.media_owner(entry.name) if entry.is_dir() else None
            if owner and docs.current_number(owner) is not None:
                referenced.setdefault(entry.name, f"contribution {owner}")
    def id_of(rel: str) -> str | None:
        # Only mediation's own folders: media/ also holds other packages' files (structures/).
        first = rel.split("/", 1)[0]
        return first if MEDIA_ID.match(first) and "/" in rel else None

    return [MediaSet(N_("médiation"), store.media_root, referenced, id_of)]
