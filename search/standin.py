"""Import a module while another one it names is replaced by a small stand-in. No Flask.

Some libraries import far more than Repères uses from them, in every server process: Whoosh's
snowball package loads the stemmers of 14 languages, its reader imports the `cached_property`
package, which imports asyncio for an async variant Whoosh never uses. The stand-in is in
`sys.modules` only inside the `with` block; anything imported later gets the real module.
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Iterator


@contextlib.contextmanager
def stand_in(name: str, **attributes) -> Iterator[None]:
    """Inside the block, `import name` gives a module made of `attributes` (unless loaded already)."""
    if name in sys.modules:
        yield
        return
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    sys.modules[name] = module
    try:
        yield
    finally:
        if sys.modules.get(name) is module:
            del sys.modules[name]
        parent, _dot, child = name.rpartition(".")
        if parent and getattr(sys.modules.get(parent), child, None) is module:
            delattr(sys.modules[parent], child)
