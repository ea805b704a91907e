"""The network's own look: site name, logo, colours, footer text, template overrides.

The home page text is the public wiki page « Accueil » (versioned, with its history): the
appearance page links to its editor rather than keeping a second, unversioned copy.

Kept in ``DATA_DIR/config/theme.json`` (the logo in ``DATA_DIR/theme/``), so an update of
the code never erases it and a backup carries it. Templates placed in
``DATA_DIR/theme/templates/`` (same relative names as in ``templates/``) take precedence
over the application's own.

Colours are refused when text would fall under a WCAG contrast of 4.5:1: the main colour
is the background of the header (white text) and the colour of links (on white and on the
light grey of the footer); the accent colour is used for text on the same backgrounds.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader

from i18n import N_
from wiki.store import atomic_write

THEME_FILE = Path("config") / "theme.json"
THEME_DIR = Path("theme")
TEMPLATES_DIR = THEME_DIR / "templates"
LOGO_RE = re.compile(r"^logo-[0-9a-f]{16}\.(png|jpg)$")
COLOUR_RE = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
MIN_CONTRAST = 4.5
# The backgrounds text in the main/accent colour is shown on (site.css: --paper, --soft).
BACKGROUNDS = ("#ffffff", "#f3f5f7")
MAX_NAME = 80
MAX_TEXT = 5000


@dataclass
class Theme:
    """What the administrator chose; empty strings mean "the default"."""

    site_name: str = ""
    brand: str = "#0b4f8a"
    accent: str = "#a4361b"
    footer_text: str = ""
    logo: str = ""

    @property
    def version(self) -> str:
        """A short hash of the theme, to bust browser caches when it changes."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


DEFAULT = Theme()


# ---------------------------------------------------------------- colours (WCAG 2.x)


def parse_colour(value: str) -> tuple[int, int, int]:
    """'#1a2b3c' or '#abc' -> (r, g, b); ValueError otherwise."""
    match = COLOUR_RE.match((value or "").strip())
    if not match:
        raise ValueError(value)
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def normalize_colour(value: str) -> str:
    """A colour as lowercase '#rrggbb' (ValueError when it is not one)."""
    r, g, b = parse_colour(value)
    return f"#{r:02x}{g:02x}{b:02x}"


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of an sRGB colour (0 black .. 1 white)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = parse_colour(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 .. 21)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


def worst_contrast(colour: str) -> float:
    """The lowest contrast of a text colour over the backgrounds it is used on."""
    return min(contrast_ratio(colour, bg) for bg in BACKGROUNDS)


def darker(colour: str, factor: float = 0.75) -> str:
    """The same colour, darker (hover states)."""
    r, g, b = parse_colour(colour)
    return f"#{int(r * factor):02x}{int(g * factor):02x}{int(b * factor):02x}"


# ---------------------------------------------------------------- storage


def load(data_dir: Path | str) -> Theme:
    """The saved theme, or the default one (a damaged file is ignored; `check` reports it)."""
    try:
        raw = json.loads((Path(data_dir) / THEME_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Theme()
    known = {f.name for f in fields(Theme)}
    values = {k: str(v) for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
    theme = Theme(**values)
    try:
        theme.brand, theme.accent = normalize_colour(theme.brand), normalize_colour(theme.accent)
    except ValueError:
        theme.brand, theme.accent = DEFAULT.brand, DEFAULT.accent
    if theme.logo and not LOGO_RE.match(theme.logo):
        theme.logo = ""
    return theme


def save(data_dir: Path | str, theme: Theme) -> None:
    """Write the theme atomically."""
    path = Path(data_dir) / THEME_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(asdict(theme), ensure_ascii=False, indent=1))


def save_logo(data_dir: Path | str, data: bytes, ext: str) -> str:
    """Store an already re-encoded logo under a content-derived name; return that name."""
    name = f"logo-{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
    folder = Path(data_dir) / THEME_DIR
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / name, data)
    return name


def logo_path(data_dir: Path | str, name: str) -> Path | None:
    """The logo file for a name, or None when the name is not a logo name."""
    if not LOGO_RE.match(name or ""):
        return None
    return Path(data_dir) / THEME_DIR / name


def validate(form: dict, base: Theme) -> tuple[Theme, dict[str, str]]:
    """A new theme from the form fields, and the errors (French) by field name."""
    errors: dict[str, str] = {}
    theme = Theme(**asdict(base))
    theme.site_name = " ".join(str(form.get("site_name", "")).split())
    if len(theme.site_name) > MAX_NAME:
        errors["site_name"] = N_("Le nom du site dépasse %(n)d caractères.", n=MAX_NAME)
    for key, label in (("brand", N_("La couleur principale")), ("accent", N_("La couleur d'accent"))):
        raw = str(form.get(key, "")).strip()
        try:
            colour = normalize_colour(raw)
        except ValueError:
            errors[key] = N_("%(label)s doit s'écrire #rrvvbb, par exemple #0b4f8a.", label=label)
            continue
        ratio = worst_contrast(colour)
        if ratio < MIN_CONTRAST:
            errors[key] = N_("%(label)s %(colour)s est trop claire : contraste de %(ratio)s avec le "
                             "fond, il faut au moins 4,5:1. Choisissez une couleur plus foncée.",
                             label=label, colour=colour, ratio=format_ratio(ratio))
        setattr(theme, key, colour)
    text = str(form.get("footer_text", "")).replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        errors["footer_text"] = N_("Le texte dépasse %(n)d caractères.", n=MAX_TEXT)
    theme.footer_text = text
    return theme, errors


def format_ratio(ratio: float) -> str:
    """A contrast ratio the French way: 4,5:1."""
    return f"{ratio:.1f}".replace(".", ",") + ":1"


def css(theme: Theme) -> str:
    """The stylesheet overriding site.css's colour variables."""
    return (
        "/* Couleurs choisies dans /admin/apparence */\n"
        f":root {{ --brand: {theme.brand}; --brand-dark: {darker(theme.brand)}; "
        f"--accent: {theme.accent}; }}\n"
        ".brand-logo { height: 40px; width: auto; margin-right: 0.5rem; }\n"
        ".footer-text { margin-bottom: 0.5rem; }\n"
    )


# ---------------------------------------------------------------- Flask wiring


def current(app) -> Theme:
    """The theme of app, re-read only when its file changed (several workers share it)."""
    path = Path(app.config["DATA_DIR"]) / THEME_FILE
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    cache = app.extensions.setdefault("reperes", {}).setdefault("theme_cache", {})
    if cache.get("key") != key or "theme" not in cache:
        cache["theme"] = load(app.config["DATA_DIR"]) if key else Theme()
        cache["key"] = key
        cache.pop("html", None)
    return cache["theme"]


def _html(app, field: str) -> str:
    from markupsafe import Markup

    from wiki import markup

    theme = current(app)
    cache = app.extensions["reperes"]["theme_cache"].setdefault("html", {})
    if field not in cache:
        text = getattr(theme, field)
        cache[field] = Markup(markup.render(text).html) if text else ""
    return cache[field]


def init_app(app) -> None:
    """Template overrides first, then the theme's variables in every template."""
    from flask import url_for

    overrides = Path(app.config["DATA_DIR"]) / TEMPLATES_DIR
    app.jinja_env.loader = ChoiceLoader([FileSystemLoader(str(overrides)), app.jinja_env.loader])

    @app.context_processor
    def _theme():
        from flask import has_request_context

        if not has_request_context():  # a template rendered by a CLI command: no URLs
            return {}
        theme = current(app)
        values = {
            "theme_css_url": url_for("admin.theme_css", v=theme.version),
            "theme_logo_url": url_for("admin.theme_logo", name=theme.logo) if theme.logo else "",
            "theme_footer_html": _html(app, "footer_text"),
        }
        if theme.site_name:
            values["site_name"] = theme.site_name
        return values
