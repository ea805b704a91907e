"""Fault injection for the crash tests (tests/faults): does nothing unless REPERES_FAULTS is set.

REPERES_FAULTS="save.after-revision=kill,index.before-commit=kill" is read once, when this
module is imported. Named points: save.after-revision (a revision file is written, `current`
not yet moved), temp.written (a temp file is complete, not yet linked or renamed: an upload's
file, a revision...), index.before-commit (the search writer holds new segments, not yet
committed), backup.mid-archive (half the archive is written), video.encoded (a video's
web version is made, not yet put in its media folder: mediation/videojobs.py). Actions: kill (SIGKILL the
process, as a crash or the OOM killer would) and enospc (OSError "no space left on device").
Never set it in production.
"""

from __future__ import annotations

import errno
import os
import signal


def _parse(raw: str) -> dict[str, str]:
    armed = {}
    for item in raw.split(","):
        name, _sep, action = item.strip().partition("=")
        if name:
            armed[name] = action or "kill"
    return armed


ARMED: dict[str, str] = _parse(os.environ.get("REPERES_FAULTS", ""))


def point(name: str) -> None:
    """A place where a test may crash the process or fill the disk (no-op when not armed)."""
    if not ARMED or name not in ARMED:
        return
    if ARMED[name] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
