"""Personal feed keys: a feed reader cannot log in, so a member's Atom URL carries a signed key.

The key names the member and a short fingerprint of their password hash: it stops
working when the password is changed or the account disabled, but not at each
logout (no Flask here; itsdangerous only).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "reperes-recent-feed"


def fingerprint(user) -> str:
    """A short value that changes with the member's password."""
    return hashlib.sha256(str(getattr(user, "password_hash", "")).encode()).hexdigest()[:16]


def make_key(secret: str, user) -> str:
    """The feed key of a member."""
    return URLSafeSerializer(secret, salt=SALT).dumps([user.username, fingerprint(user)])


def check_key(secret: str, key: str, lookup: Callable[[str], object | None]) -> object | None:
    """The active user a key belongs to, or None (bad signature, new password, disabled account)."""
    try:
        username, print_ = URLSafeSerializer(secret, salt=SALT).loads(key or "")
    except (BadSignature, ValueError, TypeError):
        return None
    user = lookup(str(username)) if isinstance(username, str) else None
    if user is None or not getattr(user, "active", False) or fingerprint(user) != print_:
        return None
    return user
