"""wiki.markup: task checkboxes carry their line as accessible name (RGAA: every field is labelled)."""

from wiki.markup import render


def test_task_boxes_are_named_by_their_line():
    html = render("- [ ] appeler le **CCAS** lundi\n- [x] fait").html
    assert '<input type="checkbox" title="appeler le CCAS lundi" disabled="">' in html
    assert 'title="fait" disabled="" checked=""' in html


def test_task_box_name_cannot_inject_markup():
    html = render('- [ ] <script>alert(1)</script> "quoted" & <b onclick=x>').html
    assert "<script" not in html
    assert "onclick=x>" not in html.split("title=", 1)[1].split(">", 1)[0]
    assert 'title="&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &lt;b onclick=x&gt;"' in html


def test_render_cache_is_bounded_in_bytes():
    from wiki.markup import RenderCache

    cache = RenderCache(size=100, max_bytes=5_000)
    for i in range(20):
        cache.get(("page", "P", i), lambda i=i: render(f"# Titre {i}\n\n" + "mot " * 400))
    kept = [i for i in range(20) if ("page", "P", i) in cache]
    assert kept
    assert len(kept) < 5
    assert kept[-1] == 19
    assert sum(len(cache.get(("page", "P", i), None).html.encode()) for i in kept) <= 5_000


def test_render_cache_gives_back_what_was_rendered():
    from wiki.markup import RenderCache

    cache = RenderCache(size=10, max_bytes=100_000)
    first = cache.get(("page", "P", 1), lambda: render("# Cœur d’été\n\n[[Accueil]] « œuvre » 🙂"))
    again = cache.get(("page", "P", 1), lambda: render("autre chose"))
    assert again == first
    assert "Cœur d’été" in again.html
    assert "🙂" in again.html
    assert again.links == ("Accueil",)


def test_fenced_code_is_shown_as_code_without_loading_pygments():
    # Pygments is installed beside pytest, but the wiki never highlights code: importing the
    # Markdown module must not load it (~9 MB in every server process).
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys, importlib.util; import wiki.markup as m;"
              "html = m.render('```python\\nx = 1 < 2\\n```').html;"
              "print(importlib.util.find_spec('pygments') is not None, 'pygments' in sys.modules, html)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout
    assert out.startswith("True False ")  # installed, yet not loaded
    assert '<pre><code class="language-python">x = 1 &lt; 2' in out


def test_pygments_still_usable_by_others_in_the_same_process():
    import pygments.lexers

    assert render("```\nlet\n```").html.startswith("<pre><code>")
    assert pygments.lexers.get_lexer_by_name("python").name == "Python"
