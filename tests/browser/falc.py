"""FALC check (« facile à lire et à comprendre ») for the participant screens.

`falc_problems(page, root)` returns a list of readable problems found in the rendered page:
sentences over 15 words, italics, text forced to capitals, justified text, text under 16 px,
line height under 1.5. Only visible text with letters is checked (pictograms are words-free).
"""

from __future__ import annotations

MAX_WORDS = 15
MIN_FONT_PX = 16
MIN_LINE_HEIGHT = 1.5

_STYLES_JS = """
([root, minFont, minLine]) => {
  const out = [];
  const scope = document.querySelector(root);
  if (!scope) return [`no element matches ${root}`];
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!/\\p{L}/u.test(text)) continue;
    const el = node.parentElement;
    if (!el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("[hidden], [aria-hidden=true], script, style, template, noscript")) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden") continue;
    const what = `« ${text.slice(0, 40)} » (${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ")[0] : ""})`;
    const size = parseFloat(cs.fontSize);
    if (cs.fontStyle !== "normal") out.push(`italique : ${what}`);
    if (cs.textTransform === "uppercase") out.push(`majuscules forcées : ${what}`);
    if (cs.textAlign === "justify") out.push(`texte justifié : ${what}`);
    if (size < minFont) out.push(`texte de ${size} px (< ${minFont}) : ${what}`);
    const line = cs.lineHeight === "normal" ? 1.2 : parseFloat(cs.lineHeight) / size;
    if (line < minLine - 0.01) out.push(`interligne ${line.toFixed(2)} (< ${minLine}) : ${what}`);
  }
  return out;
}
"""


def long_sentences(text: str, limit: int = MAX_WORDS) -> list[str]:
    """Sentences of `text` with more than `limit` words (a line break also ends a sentence)."""
    import re

    out = []
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?…])\s+", line):
            words = [w for w in sentence.split() if re.search(r"\w", w)]
            if len(words) > limit:
                out.append(f"{len(words)} mots : « {sentence.strip()} »")
    return out


def falc_problems(page, root: str = "main") -> list[str]:
    """Every FALC problem of the rendered page under the CSS selector `root`."""
    problems = page.evaluate(_STYLES_JS, [root, MIN_FONT_PX, MIN_LINE_HEIGHT])
    text = page.locator(root).first.inner_text()
    return problems + long_sentences(text)


def assert_falc(page, root: str = "main") -> None:
    """Fail with the list of FALC problems found on the current page."""
    problems = falc_problems(page, root)
    assert not problems, f"FALC ({page.url}):\n  " + "\n  ".join(problems)
