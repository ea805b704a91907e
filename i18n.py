"""Translatable messages for modules that know nothing of Flask (validation, reference lists).

    from i18n import N_
    errors["name"] = N_("Au plus %(n)d caractères.", n=150)

`N_` returns a `Message`: a plain `str` holding the French text (tests, JSON, logs and
the data files see French, as before) that also remembers its catalogue id and values.
When a page shows it (Jinja autoescape calls `__html__`), it is translated into the
visitor's language by the translator `web.init_app` installs (flask_babel). Values that
are Messages themselves are translated too; other values are shown as they are.
`scripts/i18n` extracts `N_("...")` calls (`-k N_`), and the labels of the data·inclusion
reference files (`extract_json_labels`, see babel.cfg).

An exception whose message is a Message can keep it through `str(exc)` by returning
`self.args[0]` from `__str__` (media.images.ImageError, mediation.model.ModelError,
admin.backup.BackupError): views that show `str(exc)` then translate it for free.

`flask` commands speak the shell's language (`cli_language`: LC_ALL, LC_MESSAGES, LANG; English
when it starts with "en", French otherwise): write helps as `help=N_("...")`; web.init_app
translates them (`translate_commands`) each time a command is looked up, and `_()` /
`translate()` in a command follow the same language.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from markupsafe import escape

_translate: Callable[[str], str] = str
_language: Callable[[], str] = lambda: "fr"  # noqa: E731
# Dates written in English follow British usage (23 November 2026, 14:30).
DATE_LOCALES = {"en": "en_GB"}


def set_translator(function: Callable[[str], str], language: Callable[[], str] | None = None) -> None:
    """Install the catalogue look-up of a French text (and the current language's code)."""
    global _translate, _language
    _translate = function
    if language is not None:
        _language = language


def language() -> str:
    """The current visitor's language code ("fr" outside a request)."""
    return _language() or "fr"


def date_locale() -> str:
    """The Babel locale for dates in the current language."""
    code = language()
    return DATE_LOCALES.get(code, code)


class Message(str):
    """French text that knows its catalogue id and values; translated where a page shows it."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, params: dict | None = None) -> Message:
        params = params or {}
        self = super().__new__(cls, msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params
        return self

    def translated(self) -> str:
        """The text in the current language (French outside a request)."""
        return translate(self)

    def __html__(self) -> str:
        return str(escape(self.translated()))

    def __reduce__(self):
        return (Message, (self.msgid, self.params))


def N_(msgid: str, **params) -> Message:
    """Mark a French text for the catalogue; %(name)s placeholders are filled from params."""
    return Message(msgid, params)


def translate(text) -> str:
    """A Message (or a plain text that is a catalogue id) in the current language."""
    if isinstance(text, Message):
        translated = _translate(text.msgid)
        if not text.params:
            return translated
        values = {k: translate(v) if isinstance(v, Message) else v for k, v in text.params.items()}
        try:
            return translated % values
        except (KeyError, TypeError, ValueError):
            return str(text)
    return _translate(text) if isinstance(text, str) else text


def cli_language(environ=None) -> str:
    """The language of the command line, from the standard environment (LC_ALL, then LC_MESSAGES,
    then LANG, as gettext reads them): English when it asks for English, French otherwise."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return "en" if environ[name].lower().startswith("en") else "fr"
    return "fr"


def translate_commands(command) -> None:
    """Put a click command's help (its options' and subcommands' too) in the current language.

    Helps are written in French and marked with N_; the French text is kept, so a later call
    in another language starts again from it. Called each time a command is looked up.
    """
    for item in (command, *getattr(command, "params", ())):
        for attr in ("help", "short_help"):
            original = item.__dict__.setdefault(f"_fr_{attr}", getattr(item, attr, None))
            if isinstance(original, str):
                setattr(item, attr, translate(original))
    for sub in getattr(command, "commands", {}).values():
        translate_commands(sub)


def extract_json_labels(fileobj, keywords, comment_tags, options):
    """Babel extractor: the "label" of each item of a reference JSON list (babel.cfg)."""
    for item in json.load(fileobj):
        if isinstance(item, dict) and item.get("label"):
            yield 0, "N_", item["label"], []
