"""The network's own look: WCAG contrast, the appearance page, the stylesheet, logo, overrides."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from admin import audit, theme

# ---------------------------------------------------------------- contrast (unit)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),   # the classic "just under AA" grey
    ("#767676", "#ffffff", 4.54),   # the lightest grey passing AA on white
    ("#0b4f8a", "#ffffff", 8.4),
    ("#fff", "#000", 21.0),
])
def test_contrast_ratio_matches_wcag(a, b, expected):
    assert theme.contrast_ratio(a, b) == pytest.approx(expected, abs=0.01 if expected < 5 else 0.1)


@pytest.mark.parametrize("bad", ["", "red", "#12345", "#ggg000", "0b4f8a00", "#0b4f8a;}body{"])
def test_bad_colours_are_refused(bad):
    with pytest.raises(ValueError, match=r"^.*$"):
        theme.parse_colour(bad)
    assert theme.COLOUR_RE.match(bad) is None


def test_validate_refuses_a_light_colour_and_says_why():
    _new, errors = theme.validate({"brand": "#7a9cc6", "accent": "#a4361b"}, theme.Theme())
    assert set(errors) == {"brand"}
    assert "4,5:1" in errors["brand"]
    assert "plus foncée" in errors["brand"]


def test_validate_checks_the_grey_footer_too():
    # 4.54:1 on white but under 4.5:1 on the footer's light grey (#f3f5f7)
    assert theme.contrast_ratio("#767676", "#ffffff") >= 4.5
    _new, errors = theme.validate({"brand": "#767676", "accent": "#a4361b"}, theme.Theme())
    assert "brand" in errors


def test_validate_accepts_dark_colours_and_normalizes():
    new, errors = theme.validate({"brand": "#1D4E2B", "accent": "#600", "site_name": "  Réseau   Brest ",
                                  "footer_text": "CCAS\r\nBrest\r\n"}, theme.Theme())
    assert errors == {}
    assert (new.brand, new.accent, new.site_name, new.footer_text) == ("#1d4e2b", "#660000", "Réseau Brest", "CCAS\nBrest")


def test_validate_limits_lengths():
    _new, errors = theme.validate({"brand": "#000", "accent": "#000", "site_name": "x" * 81,
                                   "footer_text": "y" * 5001}, theme.Theme())
    assert set(errors) == {"site_name", "footer_text"}


def test_a_damaged_theme_file_gives_the_default(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "theme.json").write_text(json.dumps({"brand": "url(evil)", "logo": "../x"}))
    loaded = theme.load(tmp_path)
    assert loaded.brand == theme.DEFAULT.brand
    assert loaded.logo == ""
    (tmp_path / "config" / "theme.json").write_text("{broken")
    assert theme.load(tmp_path) == theme.Theme()


# ---------------------------------------------------------------- the appearance page


def _png(size=(120, 60), colour=(20, 60, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _post(client, auth, **fields):
    token = auth.token("/admin/apparence")
    data = {"site_name": "", "brand": "#0b4f8a", "accent": "#a4361b",
            "footer_text": "", "csrf_token": token, **fields}
    return client.post("/admin/apparence", data=data, content_type="multipart/form-data")


def test_appearance_page_saves_colours_name_and_footer(app, client, auth):
    auth.login("admin")
    response = _post(client, auth, site_name="Isolement social Brest", brand="#1d4e2b",
                     footer_text="**CCAS de Brest** — 1 rue Frézier")
    assert response.status_code == 302
    html = client.get("/wiki/").get_data(as_text=True)
    assert '<a class="brand" href="/">Isolement social Brest</a>' in html
    assert "<strong>CCAS de Brest</strong>" in html
    css_url = next(part.split('"')[0] for part in html.split('href="')[1:] if part.startswith("/apparence.css"))
    css = client.get(css_url)
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert "--brand: #1d4e2b" in css.get_data(as_text=True)
    assert "immutable" in css.headers["Cache-Control"]
    entry = audit.read(app.config["DATA_DIR"])[0][0]
    assert (entry.actor, entry.action) == ("admin", "theme.change")
    assert "brand" in entry.detail


def test_no_inline_style_is_added_to_pages(client, auth):
    auth.login("admin")
    _post(client, auth, brand="#1d4e2b")
    html = client.get("/wiki/").get_data(as_text=True)
    assert "<style" not in html
    assert "style=" not in html


def test_light_colour_is_refused_next_to_the_field(app, client, auth):
    auth.login("admin")
    response = _post(client, auth, brand="#ffcc00")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="f-brand-error"' in html
    assert "trop claire" in html
    assert not (Path(app.config["DATA_DIR"]) / "config" / "theme.json").exists()


def test_no_file_chosen_keeps_the_logo(app, client, auth):
    auth.login("admin")
    _post(client, auth, logo=(io.BytesIO(_png()), "logo.png"))
    logo = theme.load(app.config["DATA_DIR"]).logo
    assert _post(client, auth, logo=(io.BytesIO(b""), "")).status_code == 302
    assert theme.load(app.config["DATA_DIR"]).logo == logo


def test_logo_is_reencoded_and_served(app, client, auth):
    auth.login("admin")
    response = _post(client, auth, logo=(io.BytesIO(_png()), "logo.png"))
    assert response.status_code == 302
    saved = theme.load(app.config["DATA_DIR"])
    assert theme.LOGO_RE.match(saved.logo)
    html = client.get("/wiki/").get_data(as_text=True)
    assert f'<img class="brand-logo" src="/apparence/{saved.logo}" alt="">' in html
    logo = client.get(f"/apparence/{saved.logo}")
    assert logo.status_code == 200
    assert logo.mimetype in ("image/png", "image/jpeg")
    Image.open(io.BytesIO(logo.data)).verify()
    response = _post(client, auth, remove_logo="1")
    assert theme.load(app.config["DATA_DIR"]).logo == ""


@pytest.mark.parametrize(("payload", "message"), [
    (b"<html><script>alert(1)</script></html>", "pas une photo"),
    (b"", "vide"),
    (_png()[:40], "pas une photo"),
])
def test_bad_logo_is_refused_with_a_message(app, client, auth, payload, message):
    auth.login("admin")
    response = _post(client, auth, logo=(io.BytesIO(payload), "logo.png"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="f-logo-error"' in html
    assert message in html
    assert theme.load(app.config["DATA_DIR"]).logo == ""


@pytest.mark.parametrize("name", ["../config/secret_key", "logo-0123456789abcdef.svg", "secret_key",
                                  "logo-0123456789abcdef.png"])
def test_logo_route_serves_only_logo_files(client, name):
    assert client.get(f"/apparence/{name}").status_code == 404


def test_appearance_form_needs_csrf(client, auth):
    auth.login("admin")
    response = client.post("/admin/apparence", data={"brand": "#000000"})
    assert response.status_code == 400


# ---------------------------------------------------------------- template overrides


def test_a_template_in_the_data_folder_overrides_the_app(app, client):
    folder = Path(app.config["DATA_DIR"]) / "theme" / "templates" / "errors"
    folder.mkdir(parents=True)
    (folder / "error.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Perdu ? Le réseau vous aide.</h1>{% endblock %}')
    response = client.get("/nulle-part-ici")
    assert response.status_code == 404
    assert "Perdu ? Le réseau vous aide." in response.get_data(as_text=True)


def test_theme_changes_reach_other_workers(app, client, tmp_path):
    first = client.get("/apparence.css").get_data(as_text=True)
    path = Path(app.config["DATA_DIR"]) / "config" / "theme.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"brand": "#222222"}))  # as another worker process would
    os.utime(path, ns=(1, 1))
    assert "#222222" not in first
    assert "--brand: #222222" in client.get("/apparence.css").get_data(as_text=True)


# ---------------------------------------------------------------- /healthz


def test_healthz_says_ok_and_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_data_folder_is_not_writable(app, client):
    app.config["DATA_DIR"] = str(Path(app.config["DATA_DIR"]) / "missing" / "deeper")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error"}


def test_home_text_is_the_accueil_page_linked_from_the_appearance_page(client, auth):
    auth.login("admin")
    html = client.get("/admin/apparence").get_data(as_text=True)
    assert 'href="/wiki/Accueil?action=edit"' in html
    assert html.count("<h1") == 1
    for field in ("site_name", "brand", "accent", "logo", "footer_text"):
        assert f'<label for="f-{field}"' in html
