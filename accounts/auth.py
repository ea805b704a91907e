"""Flask-Login wiring and the permission decorators every blueprint uses."""

from __future__ import annotations

from functools import wraps
from pathlib import Path

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import LoginManager, current_user

from accounts.users import UserStore

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = None  # the login page itself says why
login_manager.session_protection = "basic"


def users() -> UserStore:
    """The application's user store."""
    return current_app.extensions["reperes"]["users"]


def init_app(app):
    """Create the user store and attach Flask-Login."""
    data_dir = Path(app.config["DATA_DIR"])
    app.extensions.setdefault("reperes", {})["users"] = UserStore(
        data_dir / "users", hash_method=app.config["PASSWORD_HASH_METHOD"]
    )
    login_manager.init_app(app)


@login_manager.user_loader
def load_user(user_id: str):
    """Load the session's user; a stale session_version or a disabled account ends the session."""
    username, _sep, version = user_id.partition(":")
    user = users().get(username)
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def is_member() -> bool:
    """Whether the current visitor is a logged-in, active member."""
    return bool(current_user.is_authenticated and getattr(current_user, "active", False))


def has_role(role: str) -> bool:
    """Whether the current visitor holds a role."""
    return is_member() and current_user.has_role(role)


def role_required(role: str = "member"):
    """Decorator: anonymous visitors go to the login page, members without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not is_member():
                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403, description=_("Cette page est réservée aux comptes « %(role)s ».", role=role))
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = role_required("member")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths are followed after login (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\r\n\\") or any(ord(ch) < 32 for ch in target):
        return default
    return target


def current_username() -> str:
    """Username of the current member, or "" for an anonymous visitor."""
    return current_user.username if is_member() else ""


def client_address() -> str:
    """Client address (ProxyFix has already applied the trusted proxy count)."""
    return request.remote_addr or ""
