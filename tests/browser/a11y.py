"""axe-core injection and checks (WCAG 2.1 AA = RGAA 4.1; 2.2 adds target-size)."""

from __future__ import annotations

import os
from pathlib import Path

AXE_JS = Path(os.environ.get("AXE_JS", Path(__file__).parents[2] / "node_modules/axe-core/axe.min.js"))
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WCAG22_AA = [*WCAG21_AA, "wcag22aa"]


def run_axe(page, tags=WCAG22_AA, context=None, disable=(), enable=()):
    """Inject axe (once per document) and return the list of violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    opts = {
        "runOnly": {"type": "tag", "values": list(tags)},
        "resultTypes": ["violations"],
        "rules": {**{r: {"enabled": False} for r in disable}, **{r: {"enabled": True} for r in enable}},
    }
    return page.evaluate("([ctx, opts]) => axe.run(ctx || document, opts)", [context, opts])["violations"]


def format_violations(violations) -> str:
    """Readable summary of axe violations for an assertion message."""
    out = []
    for v in violations:
        out.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            out.append(f"    at {' '.join(map(str, node['target']))}: {node['failureSummary'][:200]}")
    return "\n".join(out)


def assert_no_axe_violations(page, **kw) -> None:
    """Fail with a readable list when axe finds WCAG violations on the current page."""
    violations = run_axe(page, **kw)
    assert not violations, "axe-core violations:\n" + format_violations(violations)
