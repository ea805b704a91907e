"""Personal feed keys: a feed reader cannot log in, so a member's Atom URL carries a signed key.

The key names the member and their session version: it stops working when the
password is changed or the account disabled (no Flask here; itsdangerous only).
"""

from __future__ import annotations

from collections.abc import Callable

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "reperes-recent-feed"


def make_key(secret: str, username: str, session_version: int) -> str:
    """The feed key of a member."""
    return URLSafeSerializer(secret, salt=SALT).dumps([username, session_version])


def check_key(secret: str, key: str, lookup: Callable[[str], object | None]) -> object | None:
    """The active user a key belongs to, or None (bad signature, old version, disabled account)."""
    try:
        username, version = URLSafeSerializer(secret, salt=SALT).loads(key or "")
    except (BadSignature, ValueError, TypeError):
        return None
    user = lookup(str(username)) if isinstance(username, str) else None
    if user is None or not getattr(user, "active", False) or getattr(user, "session_version", None) != version:
        return None
    return user
