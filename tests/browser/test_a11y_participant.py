"""Participant screens (mediation): FALC, AAA contrast (7:1), targets >= 44 px, errors in words.

The same walk makes docs/screenshots/ (scripts/screenshots), so what is checked is what is shown.
"""

from __future__ import annotations

from tests.browser import page_checks as checks
from tests.browser.a11y import WCAG22_AA, format_violations, run_axe
from tests.browser.falc import falc_problems, long_sentences
from tests.browser.participant import hand_over, walk

ERROR_SCREENS = {"03-photo-erreur", "12-ecrire-erreur"}


def test_every_participant_screen_is_easy_to_read_and_to_touch(page, tmp_path):
    hand_over(page, "Lina")
    seen, problems = [], []
    for name, _what in walk(page, tmp_path):
        seen.append(name)
        found = checks.structure_problems(page)
        found += falc_problems(page, "main")
        found += checks.target_problems(page, 44)
        found += checks.image_problems(page)
        if scroll := checks.horizontal_scroll(page, 360):
            found.append(scroll)
        violations = run_axe(page, tags=WCAG22_AA, enable=["color-contrast-enhanced"])
        if violations:
            found.append("axe-core (with 7:1 contrast):\n" + format_violations(violations))
        if name in ERROR_SCREENS:
            invalid, errors = checks.error_problems(page)
            found += errors
            if not invalid and not page.get_by_role("alert").count():
                found.append("the error is neither on its field nor announced (role=alert)")
        if page.evaluate("document.body.classList.contains('participant')") is not True:
            found.append("not marked as a participant screen (body.participant)")
        problems += [f"{name}: {p}" for p in found]
    assert len(seen) == 17
    assert not problems, "\n".join(problems)


def test_participant_screens_at_320_px_do_not_scroll_sideways(page, tmp_path):
    page.set_viewport_size({"width": 320, "height": 640})
    hand_over(page, "Noa")
    wide = [f"{name}: {p}" for name, _ in walk(page, tmp_path)
            if (p := checks.horizontal_scroll(page, 320))]
    assert not wide, "\n".join(wide)


def test_falc_checker_flags_what_it_should(page):
    """The checker itself: each forbidden style and a long sentence are reported."""
    page.set_content("""<main>
      <p class="ok">Une phrase courte.</p>
      <p style="font-style: italic">En italique.</p>
      <p style="text-transform: uppercase">En capitales.</p>
      <p style="text-align: justify">Justifié.</p>
      <p style="font-size: 14px; line-height: 1.6">Petit texte.</p>
      <p style="font-size: 18px; line-height: 1.2">Lignes serrées.</p>
      <p style="font-size: 18px" aria-hidden="true">Caché.</p>
    </main>""")
    page.add_style_tag(content="main { font-size: 18px; line-height: 1.6 }")
    problems = falc_problems(page, "main")
    assert len(problems) == 5, problems
    for word in ("italique", "majuscules", "justifié", "14 px", "interligne 1.20"):
        assert any(word in p for p in problems), (word, problems)
    sixteen = " ".join(["mot"] * 16) + "."
    assert long_sentences(f"Bonjour. {sixteen}\nCourt.") == [f"16 mots : « {sixteen} »"]
    assert long_sentences(" ".join(["mot"] * 15) + ". Encore une phrase.") == []
