"""Document name <-> folder name quoting (MoinMoin-style) and the traversal guard.

A name such as "Projets/Jardin partagé" becomes the single folder name
"Projets(2f)Jardin(20)partag(c3a9)": ASCII letters, digits, "_" and "-" stay, every other
byte of the UTF-8 form is written as lowercase hex inside parentheses. The result
is one path component, so no name can ever reach outside its store.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from i18n import N_

MAX_NAME_LENGTH = 200
_SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_QUOTED = re.compile(r"\(([0-9a-f]+)\)")


class InvalidName(ValueError):
    """The name cannot be a document name; the message says why, in French."""


@lru_cache(maxsize=512)  # pure: a page view normalizes and quotes the same names several times
def normalize(name: str) -> str:
    """Return the canonical form of a name (NFC, trimmed, single spaces) or raise InvalidName."""
    if not isinstance(name, str):
        raise InvalidName(N_("Le nom doit être un texte."))
    name = unicodedata.normalize("NFC", name)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name):
        raise InvalidName(N_("Le nom contient des caractères invisibles ou de contrôle."))
    name = " ".join(name.split())
    if not name:
        raise InvalidName(N_("Le nom est vide."))
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(N_("Le nom dépasse %(n)d caractères.", n=MAX_NAME_LENGTH))
    if name.startswith("/") or name.endswith("/"):
        raise InvalidName(N_("Le nom ne peut ni commencer ni finir par « / »."))
    parts = [p.strip() for p in name.split("/")]
    if any(p in ("", ".", "..") for p in parts):
        raise InvalidName(N_("Le nom contient une partie vide, « . » ou « .. »."))
    if name.startswith((".", "#")):
        raise InvalidName(N_("Le nom ne peut pas commencer par « . » ou « # »."))
    return "/".join(parts)


@lru_cache(maxsize=512)
def quote(name: str) -> str:
    """Return the folder name for a document name (validated first)."""
    name = normalize(name)
    out: list[str] = []
    pending = bytearray()
    for byte in name.encode("utf-8"):
        if byte in _SAFE:
            if pending:
                out.append(f"({pending.hex()})")
                pending.clear()
            out.append(chr(byte))
        else:
            pending.append(byte)
    if pending:
        out.append(f"({pending.hex()})")
    folder = "".join(out)
    if len(folder) > 250:  # file systems cap a name at 255 bytes
        raise InvalidName(N_("Le nom est trop long une fois enregistré ; raccourcissez-le."))
    return folder


def unquote(folder: str) -> str:
    """Return the document name stored in a folder name made by quote()."""
    try:
        raw = _QUOTED.sub(lambda m: bytes.fromhex(m.group(1)).decode("latin-1"), folder)
        return raw.encode("latin-1").decode("utf-8")
    except (ValueError, UnicodeError) as exc:
        raise InvalidName(f"Dossier mal nommé : {folder!r}") from exc


@lru_cache(maxsize=512)
def slugify(text: str, max_length: int = 80) -> str:
    """Return lowercase ASCII words joined by hyphens ("Agheb / Le Phare" -> "agheb-le-phare")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:max_length].strip("-")
    return slug
