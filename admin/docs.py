"""The README's settings table, made from config.SETTINGS (tests compare the two)."""

from __future__ import annotations

from typing import Any

from config import SETTINGS


def format_default(value: Any) -> str:
    """A default as an administrator would write it in REPERES_<NAME>."""
    if value is None:
        return "(aucune)"
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    if value == "":
        return "(vide)"
    return f"`{value}`"


def settings_table() -> str:
    """The Markdown table: name, environment variable, default, help."""
    rows = ["| Setting | Environment variable | Default | Help |", "|---|---|---|---|"]
    for s in SETTINGS:
        rows.append(f"| `{s.name}` | `REPERES_{s.name}` | {format_default(s.default)} | "
                    f"{s.help.replace('|', '/')} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # python -m admin.docs  -> paste into the README
    print(settings_table(), end="")
