"""Flask-Login wiring and the permission decorators every blueprint uses."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps
from pathlib import Path

from flask import abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import LoginManager, current_user
from itsdangerous import BadSignature

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
    app.session_interface = ThrottledRefreshSession()


class ThrottledRefreshSession(SecureCookieSessionInterface):
    """The signed session cookie, re-signed at most once a minute instead of on every response.

    A member's session ends after SESSION_HOURS without a request (a permanent session,
    refreshed by each request). Re-signing and re-sending it with every page cost a third of
    a member's cached page view; refreshed when older than REFRESH_SECONDS, the session still
    ends SESSION_HOURS after the last request, give or take a minute.
    """

    REFRESH_SECONDS = 60

    def open_session(self, app, request):
        """Like Flask's, remembering when the cookie was signed."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app, session) -> bool:
        """A changed session always; an unchanged permanent one when its cookie is a minute old."""
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or (datetime.now(UTC) - signed_at).total_seconds() >= self.REFRESH_SECONDS


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
