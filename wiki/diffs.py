"""Readable diffs: line hunks from wiki.store.diff_lines, with the changed words inside a line.

Each row carries a sign (+, -, or space) and segments (changed, text); the template
wraps changed segments in <ins>/<del>, so a change is marked by more than a colour.
No HTML here: escaping is the template's job.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from wiki.store import DiffLine, diff_lines


@dataclass(frozen=True)
class Row:
    """One line of a diff as shown: sign, line numbers and (changed, text) segments."""

    tag: str
    old_number: int | None
    new_number: int | None
    segments: tuple[tuple[bool, str], ...]


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def _merge(parts: list[tuple[bool, str]]) -> tuple[tuple[bool, str], ...]:
    """Join neighbouring parts of the same kind (a changed phrase is one <ins>, not one per word)."""
    out: list[tuple[bool, str]] = []
    for i, (changed, text) in enumerate(parts):
        if not changed and text.isspace() and 0 < i < len(parts) - 1 and parts[i - 1][0] and parts[i + 1][0]:
            changed = True  # the space between two changed words belongs to the change
        if out and out[-1][0] == changed:
            out[-1] = (changed, out[-1][1] + text)
        else:
            out.append((changed, text))
    return tuple(out)


def _pair(old: str, new: str) -> tuple[tuple[tuple[bool, str], ...], tuple[tuple[bool, str], ...]]:
    """Split two similar lines into unchanged and changed words."""
    a_words, b_words = _TOKEN.findall(old), _TOKEN.findall(new)
    words_only = difflib.SequenceMatcher(None, [w for w in a_words if not w.isspace()],
                                         [w for w in b_words if not w.isspace()], autojunk=False)
    if words_only.ratio() < 0.4:
        return ((True, old),), ((True, new),)
    matcher = difflib.SequenceMatcher(None, a_words, b_words, autojunk=False)
    if not a_words or not b_words:
        return ((True, old),), ((True, new),)
    a: list[tuple[bool, str]] = []
    b: list[tuple[bool, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            a.append((tag != "equal", "".join(a_words[i1:i2])))
        if j2 > j1:
            b.append((tag != "equal", "".join(b_words[j1:j2])))
    return _merge(a), _merge(b)


def _rows(hunk: list[DiffLine]) -> list[Row]:
    rows: list[Row] = []
    i = 0
    while i < len(hunk):
        line = hunk[i]
        if line.tag == " ":
            rows.append(Row(" ", line.old_number, line.new_number, ((False, line.text),)))
            i += 1
            continue
        removed = []
        while i < len(hunk) and hunk[i].tag == "-":
            removed.append(hunk[i])
            i += 1
        added = []
        while i < len(hunk) and hunk[i].tag == "+":
            added.append(hunk[i])
            i += 1
        old_segments = [((True, d.text),) for d in removed]
        new_segments = [((True, a.text),) for a in added]
        for k in range(min(len(removed), len(added))):
            old_segments[k], new_segments[k] = _pair(removed[k].text, added[k].text)
        rows += [Row("-", d.old_number, None, s) for d, s in zip(removed, old_segments, strict=True)]
        rows += [Row("+", None, a.new_number, s) for a, s in zip(added, new_segments, strict=True)]
    return rows


def readable_diff(old: str, new: str, context: int = 3) -> list[list[Row]]:
    """Hunks of rows between two texts (empty when they are equal)."""
    return [_rows(hunk) for hunk in diff_lines(old, new, context)]
