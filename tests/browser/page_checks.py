"""Checks axe-core does not make, run on the rendered page (RGAA / WCAG 2.1 AA and house rules)."""

from __future__ import annotations

import re

from playwright.sync_api import Page

# Focus must show: an outline (or a box-shadow ring) on whatever has the keyboard focus.
_FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "nothing focused";
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
  const ring = cs.boxShadow && cs.boxShadow !== "none";
  return outline || ring ? "" : `no visible focus on ${el.outerHTML.slice(0, 80)}`;
}
"""

_IMAGES_JS = """
() => {
  const out = [];
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt") && img.getAttribute("role") !== "presentation" && img.getAttribute("aria-hidden") !== "true")
      out.push(`image without alt: ${img.outerHTML.slice(0, 100)}`);
  }
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.closest("[aria-hidden=true]")) continue;
    const named = svg.getAttribute("role") === "img" && (svg.getAttribute("aria-label") || svg.querySelector("title"));
    if (!named) out.push(`svg neither decorative (aria-hidden) nor named: ${svg.outerHTML.slice(0, 100)}`);
  }
  return out;
}
"""

# Every audio has a transcript next to it; every video has captions or a transcript.
_MEDIA_JS = """
() => {
  const out = [];
  for (const m of document.querySelectorAll("audio, video")) {
    const box = m.closest("article, figure, section, li, .contrib-item, main");
    const transcript = box && box.querySelector(".transcript, [data-transcript]");
    const captions = m.tagName === "VIDEO" && m.querySelector("track[kind=captions], track[kind=subtitles]");
    if (!transcript && !captions) out.push(`${m.tagName.toLowerCase()} without transcript${m.tagName === "VIDEO" ? " or captions" : ""}: ${m.outerHTML.slice(0, 120)}`);
  }
  return out;
}
"""

# Targets: every visible control at least `min` px high and wide (inline links in a sentence
# are exempt, as in WCAG 2.5.5; a checkbox counts with its label; visually hidden inputs
# count through their label).
_TARGETS_JS = """
(min) => {
  const out = [];
  const sel = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest("[hidden], [aria-hidden=true]")) continue;
    let box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right < 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden") continue;
    if (el.tagName === "A" && cs.display === "inline") {
      const block = el.parentElement.closest("p, li, td, dd, figcaption, small, span, div");
      if (block && block.textContent.trim().length > el.textContent.trim().length + 2) continue;
    }
    if (el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio" || parseFloat(cs.opacity) === 0 || box.width <= 2)) {
      const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) box = label.getBoundingClientRect();
    }
    if (box.height < min - 0.5 || box.width < min - 0.5)
      out.push(`${Math.round(box.width)}×${Math.round(box.height)} px: ${el.outerHTML.slice(0, 90)}`);
  }
  return out;
}
"""

# Every field marked invalid is described by a visible, non-empty error text in its own field block.
_ERRORS_JS = """
() => {
  const out = [];
  const invalid = document.querySelectorAll("[aria-invalid=true]");
  for (const el of invalid) {
    const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    const errors = ids.map(id => document.getElementById(id)).filter(e => e && e.textContent.trim());
    if (!errors.length) { out.push(`invalid field without a described error: ${el.outerHTML.slice(0, 90)}`); continue; }
    const near = errors.some(e => {
      const r = e.getBoundingClientRect(), f = el.getBoundingClientRect();
      return r.height > 0 && Math.abs(r.top - f.top) < 400;
    });
    if (!near) out.push(`error text not shown next to its field: ${el.outerHTML.slice(0, 90)}`);
  }
  return {count: invalid.length, problems: out};
}
"""


def focus_problem(page: Page) -> str:
    """'' when the focused element shows a visible focus indicator."""
    return page.evaluate(_FOCUS_JS)


def skip_link_problems(page: Page, tabs_after: int = 4) -> list[str]:
    """The first Tab reaches a visible « Aller au contenu » link that moves the focus to <main>;
    the focus stays visible on the next few elements."""
    out = []
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent.trim()]")
    if "skip-link" not in first[0]:
        return [f"first Tab reaches {first} instead of the skip link"]
    box = page.locator(".skip-link").bounding_box()
    if not box or box["x"] < 0 or box["y"] < 0:
        out.append("skip link not visible when focused")
    if problem := focus_problem(page):
        out.append(problem)
    page.keyboard.press("Enter")
    if page.evaluate("document.activeElement.id") != "contenu":
        out.append("skip link does not move the focus to the main content")
    for _ in range(tabs_after):
        page.keyboard.press("Tab")
        problem = focus_problem(page)
        if problem == "nothing focused":  # past the last link: the browser's own controls
            break
        if problem:
            out.append(problem)
    return out


def image_problems(page: Page) -> list[str]:
    """Images without alt (or decorative marking), unnamed non-decorative SVG."""
    return page.evaluate(_IMAGES_JS)


def media_problems(page: Page) -> list[str]:
    """Audio without transcript, video without captions or transcript."""
    return page.evaluate(_MEDIA_JS)


def target_problems(page: Page, minimum: int = 44) -> list[str]:
    """Controls smaller than minimum × minimum CSS px."""
    return page.evaluate(_TARGETS_JS, minimum)


def horizontal_scroll(page: Page, width: int = 320) -> str:
    """'' when the page fits `width` px without scrolling sideways."""
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    return "" if scroll <= width else f"scrolls sideways at {width} px (scrollWidth {scroll})"


def error_problems(page: Page) -> tuple[int, list[str]]:
    """(number of invalid fields, problems with their error texts)."""
    found = page.evaluate(_ERRORS_JS)
    return found["count"], found["problems"]


def structure_problems(page: Page) -> list[str]:
    """lang="fr" and exactly one h1."""
    out = []
    if page.evaluate("document.documentElement.lang") != "fr":
        out.append("html lang is not fr")
    if (n := page.locator("h1").count()) != 1:
        out.append(f"{n} h1 on the page")
    if not re.search(r"\S", page.title()):
        out.append("empty <title>")
    return out
