"""A process's memory as Linux shows it (/proc): PSS, its biggest mappings, pages shared after fork."""

from __future__ import annotations

import collections
import re
import struct
from pathlib import Path

PAGE = 4096
_ANONYMOUS = ("[heap]", "[anon]")  # where Python's objects live (pymalloc arenas, malloc)


def pss_kb(pid: int) -> int:
    """Proportional set size of one process, in kB (smaps_rollup)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def mappings_pss(pid: int, top: int = 6) -> list[tuple[str, float]]:
    """The biggest contributors to a process's PSS, by mapping (libraries by name), in MB."""
    totals: collections.Counter = collections.Counter()
    name = "?"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split()
            name = parts[5] if len(parts) > 5 else "[anon]"
            if name.startswith("/"):
                name = Path(name).name.split(".cpython")[0]
        elif line.startswith("Pss:"):
            totals[name] += int(line.split()[1])
    return [(n, kb / 1024) for n, kb in totals.most_common(top)]


def _mappings(pid: int) -> list[tuple[int, int, str]]:
    out = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split()
        start, end = (int(x, 16) for x in parts[0].split("-"))
        out.append((start, end, parts[5] if len(parts) > 5 else "[anon]"))
    return out


def _frames(pid: int, start: int, end: int) -> list[int | None]:
    """Physical frame of each page of [start, end) (None: not in memory)."""
    with open(f"/proc/{pid}/pagemap", "rb") as fh:
        fh.seek(start // PAGE * 8)
        data = fh.read((end - start) // PAGE * 8)
    return [(v & ((1 << 55) - 1)) if v >> 63 else None for (v,) in struct.iter_unpack("<Q", data)]


def sharing(master: int, worker: int) -> dict[str, float] | None:
    """MB of the worker's anonymous pages still shared with the master, copied from it, new."""
    try:
        # By start address: a mapping that grew after the fork (the heap) keeps its start.
        theirs = {a: _frames(master, a, b) for a, b, name in _mappings(master) if name in _ANONYMOUS}
        counts = collections.Counter()
        for a, b, name in _mappings(worker):
            if name not in _ANONYMOUS:
                continue  # files and libraries: shared by nature
            mine = _frames(worker, a, b)
            before = theirs.get(a, [])
            for i, frame in enumerate(mine):
                if frame is None:
                    continue
                counts["visible"] += frame != 0
                if i >= len(before) or before[i] is None:
                    counts["new"] += 1
                elif before[i] == frame:
                    counts["shared"] += 1
                else:
                    counts["copied"] += 1
    except OSError:
        return None
    if not counts["visible"]:
        return None  # frame numbers hidden (not root): every present page reads as frame 0
    return {k: counts[k] * PAGE / 2**20 for k in ("shared", "copied", "new")}
