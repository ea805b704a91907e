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


def test_render_cache_is_bounded_in_characters():
    from wiki.markup import RenderCache

    cache = RenderCache(size=100, max_chars=5_000)
    for i in range(20):
        cache.get(("page", "P", i), lambda i=i: render(f"# Titre {i}\n\n" + "mot " * 400))
    kept = [i for i in range(20) if ("page", "P", i) in cache._data]
    assert kept
    assert len(kept) < 5
    assert kept[-1] == 19
    assert sum(len(r.html) + len(r.toc) for r in cache._data.values()) <= 5_000
