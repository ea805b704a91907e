"""Private calendar links of members: a secret token per member, kept in DATA_DIR/config.

A phone calendar cannot log in, so a member who wants the network's internal meetings
in their calendar gets a personal, unguessable URL (/agenda/membre/<token>.ics).
Renewing the link makes the old one stop working at once; a disabled account's link
stops working too (checked at each request). No Flask here.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from pathlib import Path

from wiki.store import atomic_write, file_lock

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class FeedTokens:
    """token <-> username, one token per member, in one small JSON file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def token_of(self, username: str) -> str | None:
        """The member's current token, if any."""
        for token, user in self._read().items():
            if user == username:
                return token
        return None

    def renew(self, username: str) -> str:
        """A fresh token for the member (any previous one stops working)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(self.path.with_suffix(".lock")):
            data = {t: u for t, u in self._read().items() if u != username}
            token = secrets.token_urlsafe(32)
            data[token] = username
            atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1))
        return token

    def revoke(self, username: str) -> None:
        """Remove the member's link."""
        if not self.path.exists():
            return
        with file_lock(self.path.with_suffix(".lock")):
            data = {t: u for t, u in self._read().items() if u != username}
            atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1))

    def user_of(self, token: str) -> str | None:
        """The member a token belongs to (constant-time comparison), or None."""
        if not TOKEN_RE.match(token or ""):
            return None
        found = None
        for known, user in self._read().items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = user
        return found
