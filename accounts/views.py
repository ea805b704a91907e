"""Login, logout, the member's own password, and the admin's account pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from accounts.auth import current_username, login_required, role_required, safe_next, users
from accounts.users import ROLE_LABELS, ROLES, UserError
from admin import audit
from i18n import translate

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on success go back where the member was going."""
    next_url = safe_next(request.values.get("next"))
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "")[:100]
        user = users().authenticate(
            username,
            request.form.get("password", "")[:1000],
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        )
        if user is not None:
            session.clear()
            session.permanent = True
            login_user(user)
            return redirect(next_url)
        # One message for unknown accounts, wrong passwords and locked accounts alike.
        error = _(
            "Identifiant ou mot de passe incorrect, ou trop d'essais : "
            "réessayez dans quelques minutes ou demandez à l'administrateur."
        )
    status = 401 if error else 200
    return render_template("accounts/login.html", error=error, next=next_url, username=username), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session; a copy of the session cookie stops working too (every device logs out)."""
    if current_user.is_authenticated:
        users().end_sessions(current_user.username)
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect("/")


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account():
    """A member changes their own password."""
    errors = {}
    if request.method == "POST":
        store = users()
        current = request.form.get("current", "")
        new = request.form.get("new", "")
        if store.authenticate(current_user.username, current) is None:
            errors["current"] = _("Le mot de passe actuel est incorrect.")
        elif new != request.form.get("confirm", ""):
            errors["confirm"] = _("Les deux nouveaux mots de passe sont différents.")
        else:
            try:
                store.set_password(current_user.username, new)
            except UserError as exc:
                errors["new"] = translate(exc.args[0])
            else:
                login_user(store.get(current_user.username))
                flash(_("Mot de passe changé."), "success")
                return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", errors=errors), (400 if errors else 200)


@bp.route("/admin/comptes", methods=["GET", "POST"])
@role_required("admin")
def admin_users():
    """List accounts and create one (the generated password is shown once)."""
    errors, created = {}, None
    form = {"username": "", "display_name": "", "roles": ["member"]}
    if request.method == "POST":
        form = {
            "username": request.form.get("username", "").strip().lower()[:100],
            "display_name": request.form.get("display_name", "").strip()[:100],
            "roles": request.form.getlist("roles") or ["member"],
        }
        try:
            user, password = users().add(form["username"], form["roles"], display_name=form["display_name"])
        except UserError as exc:
            errors["username"] = translate(exc.args[0])
        else:
            audit.record(current_app, current_username(), "user.create", user.username,
                         detail="rôles : " + ", ".join(user.roles))
            created = (user, password)
            form = {"username": "", "display_name": "", "roles": ["member"]}
    return (
        render_template("accounts/admin_users.html", users=users().all(), roles=ROLES,
                        role_labels=ROLE_LABELS, errors=errors, created=created, form=form),
        400 if errors else 200,
    )


@bp.route("/admin/comptes/<username>", methods=["POST"])
@role_required("admin")
def admin_user_action(username):
    """Reset a password, enable/disable an account or change its roles."""
    store = users()
    action = request.form.get("action")
    try:
        if action == "reset":
            password = store.set_password(username)
            audit.record(current_app, current_username(), "user.reset-password", username)
            flash(_("Nouveau mot de passe de %(u)s (à transmettre, il ne sera plus affiché) : %(p)s",
                    u=username, p=password), "success")
        elif action in ("disable", "enable"):
            if username == current_user.username and action == "disable":
                raise UserError(_("Vous ne pouvez pas désactiver votre propre compte."))
            store.set_active(username, action == "enable")
            audit.record(current_app, current_username(), f"user.{action}", username)
            flash(_("Compte %(u)s mis à jour.", u=username), "success")
        elif action == "roles":
            user = store.set_roles(username, request.form.getlist("roles"))
            audit.record(current_app, current_username(), "user.roles", username,
                         detail=", ".join(user.roles))
            flash(_("Rôles de %(u)s mis à jour.", u=username), "success")
        else:
            flash(_("Action inconnue."), "error")
            return redirect(url_for("accounts.admin_users")), 400
    except UserError as exc:
        flash(translate(exc.args[0]), "error")
    return redirect(url_for("accounts.admin_users"))
