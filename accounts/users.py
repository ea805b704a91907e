"""Users as flat JSON files (data/users/<name>.json), scrypt password hashes, login throttling.

No Flask here: the store is used by the views, the CLI and the tests alike.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from i18n import N_
from wiki.store import atomic_write, file_lock

ROLES = ("admin", "member", "mediateur", "moderateur")
ROLE_LABELS = {
    "admin": N_("administrateur"),
    "member": N_("membre"),
    "mediateur": N_("médiateur"),
    "moderateur": N_("modérateur"),
}
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 10


class UserError(ValueError):
    """A user operation was refused; the message says why, in French."""


@dataclass
class User:
    """A member of the network (every account is a member; roles add rights)."""

    username: str
    roles: list[str] = field(default_factory=lambda: ["member"])
    password_hash: str = ""
    active: bool = True
    display_name: str = ""
    created: float = field(default_factory=time.time)
    session_version: int = 1

    # Flask-Login protocol, kept here so that no adapter class is needed.
    @property
    def is_authenticated(self) -> bool:
        """Whether this user may act (deactivated accounts may not)."""
        return self.active

    @property
    def is_active(self) -> bool:
        """Whether the account is enabled."""
        return self.active

    @property
    def is_anonymous(self) -> bool:
        """Never anonymous: anonymous visitors are not User objects."""
        return False

    def get_id(self) -> str:
        """Session id: changes with session_version, so old cookies stop working."""
        return f"{self.username}:{self.session_version}"

    def has_role(self, role: str) -> bool:
        """Whether the user holds a role (admins hold every role)."""
        return self.active and (role in self.roles or "admin" in self.roles or role == "member")

    @property
    def is_admin(self) -> bool:
        """Whether the user is an administrator."""
        return self.has_role("admin")

    @property
    def label(self) -> str:
        """Name shown to others."""
        return self.display_name or self.username


def generate_password() -> str:
    """A readable random password (about 80 bits)."""
    return "-".join(secrets.token_urlsafe(5) for _ in range(3))


class UserStore:
    """Accounts kept as one JSON file each in a folder."""

    def __init__(self, root: Path | str, *, hash_method: str = "scrypt"):
        self.root = Path(root)
        self.hash_method = hash_method
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / ".throttle").mkdir(exist_ok=True)
        self._parsed: dict[str, tuple[tuple, dict]] = {}  # username -> (file stamp, JSON)

    def _path(self, username: str) -> Path:
        if not USERNAME_RE.match(username or ""):
            raise UserError(
                N_("Identifiant invalide : de 2 à 40 caractères, minuscules, chiffres, « . », « _ » ou « - ».")
            )
        return self.root / f"{username}.json"

    def _hash(self, password: str) -> str:
        return generate_password_hash(password, method=self.hash_method)

    def get(self, username: str) -> User | None:
        """Load a user, or None if unknown or unreadable (a fresh object each call)."""
        try:
            path = self._path(username)
            stat = os.stat(path)
            # Every member request loads its account: parse the file again only when it was
            # replaced (atomic_write gives a new inode), in this process or another one.
            stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            cached = self._parsed.get(username)
            if cached is None or cached[0] != stamp:
                cached = (stamp, json.loads(path.read_text(encoding="utf-8")))
                self._parsed[username] = cached
            raw = cached[1]
            return User(**{**raw, "roles": list(raw.get("roles", ["member"]))})
        except (UserError, FileNotFoundError, ValueError, TypeError):
            return None

    def all(self) -> list[User]:
        """Every account, sorted by username."""
        users = []
        for path in sorted(self.root.glob("*.json")):
            user = self.get(path.stem)
            if user is not None:
                users.append(user)
        return users

    def save(self, user: User) -> None:
        """Write a user file atomically."""
        atomic_write(self._path(user.username), json.dumps(asdict(user), ensure_ascii=False, indent=1))

    def add(self, username: str, roles: list[str], password: str | None = None,
            display_name: str = "") -> tuple[User, str]:
        """Create an account; returns it with its password (generated when not given)."""
        username = (username or "").strip().lower()
        path = self._path(username)
        bad = [r for r in roles if r not in ROLES]
        if bad:
            raise UserError(N_("Rôle inconnu : %(bad)s. Rôles possibles : %(roles)s.",
                               bad=", ".join(bad), roles=", ".join(ROLES)))
        if path.exists():
            raise UserError(N_("Le compte « %(u)s » existe déjà.", u=username))
        password = password or generate_password()
        check_password_strength(password)
        roles = sorted(set(roles) | {"member"})
        user = User(username, roles, self._hash(password), display_name=display_name)
        self.save(user)
        return user, password

    def set_password(self, username: str, password: str | None = None) -> str:
        """Change a password (generated when not given); old sessions end."""
        user = self._require(username)
        password = password or generate_password()
        check_password_strength(password)
        user.password_hash = self._hash(password)
        user.session_version += 1
        self.save(user)
        return password

    def end_sessions(self, username: str) -> None:
        """End every session of an account: copied or stolen session cookies stop working."""
        user = self._require(username)
        user.session_version += 1
        self.save(user)

    def set_active(self, username: str, active: bool) -> User:
        """Enable or disable an account; disabling ends its sessions."""
        user = self._require(username)
        user.active = active
        user.session_version += 1
        self.save(user)
        return user

    def set_roles(self, username: str, roles: list[str]) -> User:
        """Replace an account's roles."""
        user = self._require(username)
        bad = [r for r in roles if r not in ROLES]
        if bad:
            raise UserError(N_("Rôle inconnu : %(bad)s.", bad=", ".join(bad)))
        user.roles = sorted(set(roles) | {"member"})
        self.save(user)
        return user

    def _require(self, username: str) -> User:
        user = self.get(username)
        if user is None:
            raise UserError(N_("Compte inconnu : « %(u)s ».", u=username))
        return user

    # -- authentication with throttling shared by every worker process (a file per account)

    def authenticate(self, username: str, password: str, *, max_failures: int = 5,
                     lock_minutes: int = 15) -> User | None:
        """Return the user when the password is right and the account is neither locked nor disabled."""
        username = (username or "").strip().lower()
        if not USERNAME_RE.match(username):
            # Same cost as a real check, so response time does not reveal unknown accounts.
            check_password_hash(_DUMMY_HASH, password or "")
            return None
        throttle = self.root / ".throttle" / username
        window = lock_minutes * 60
        with file_lock(throttle.with_suffix(".lock")):
            now = time.time()
            try:
                failures = [t for t in json.loads(throttle.read_text()) if now - t < window]
            except (FileNotFoundError, ValueError):
                failures = []
            if len(failures) >= max_failures:
                return None
            user = self.get(username)
            ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
            if ok and user is not None and user.active:
                if failures:
                    throttle.unlink(missing_ok=True)
                return user
            failures.append(now)
            atomic_write(throttle, json.dumps(failures))
            return None

    def is_locked(self, username: str, *, max_failures: int = 5, lock_minutes: int = 15) -> bool:
        """Whether too many recent failures lock this account name."""
        try:
            failures = json.loads((self.root / ".throttle" / username).read_text())
        except (FileNotFoundError, ValueError, OSError):
            return False
        now = time.time()
        return len([t for t in failures if now - t < lock_minutes * 60]) >= max_failures


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(N_("Le mot de passe doit compter au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH))


# generate_password_hash("not-a-real-password"), computed once (scrypt at import slowed every start by ~70 ms)
_DUMMY_HASH = "scrypt:32768:8:1$k1mlphRBxvHwzN6E$a6a7ca327c3baac26d4d9af265dd23016e2efe08f683984751be1876ae2a075cb7f57c515bee729e51f77131713f3e14f75fde14e3a2687ee2b4886a4084eb69"
