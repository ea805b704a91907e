"""The whole-page cache of wiki views: repeated views are served from memory, never stale."""

from __future__ import annotations

import pytest

from wiki import pagecache, views


@pytest.fixture(autouse=True)
def _empty_cache():
    views._page_cache.clear()
    yield
    views._page_cache.clear()


def test_lru_keeps_the_most_recent_and_expires(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    cache = pagecache.PageCache(size=2, ttl=60)
    cache.put("a", b"A")
    cache.put("b", b"B")
    assert cache.get("a") == b"A"  # a is now the most recent
    cache.put("c", b"C")
    assert cache.get("b") is None
    assert cache.get("a") == b"A"
    now[0] += 61
    assert cache.get("a") is None
    assert len(cache) == 1


def _save(app, name, text, public=True, author="anne"):
    app.extensions["reperes"]["pages"].save(name, text, author=author, meta={"public": public})


def test_second_view_comes_from_the_cache_and_a_save_shows_at_once(app, client):
    _save(app, "Accueil", "Bonjour")
    assert "Bonjour" in client.get("/wiki/Accueil").get_data(as_text=True)
    assert len(views._page_cache) == 1
    assert "Bonjour" in client.get("/wiki/Accueil").get_data(as_text=True)
    assert len(views._page_cache) == 1
    _save(app, "Accueil", "Bonsoir")
    assert "Bonsoir" in client.get("/wiki/Accueil").get_data(as_text=True)


def test_a_cached_view_does_not_read_the_text_again(app, client):
    # Every worker keeps its own revision cache: a view served whole from the page cache
    # needs only the revision's header, so page texts do not pile up in memory.
    _save(app, "Accueil", "Bonjour " * 100)
    store = app.extensions["reperes"]["pages"]
    assert "Bonjour" in client.get("/wiki/Accueil").get_data(as_text=True)
    store._cache.clear()
    assert "Bonjour" in client.get("/wiki/Accueil").get_data(as_text=True)
    assert len(store._cache) == 0
    assert "Bonjour" in client.get("/wiki/Accueil?action=raw").get_data(as_text=True)


def test_backlinks_and_missing_links_follow_other_pages(app, client):
    _save(app, "A", "Voir [[B]]")
    html = client.get("/wiki/A").get_data(as_text=True)
    assert 'class="wikilink missing"' in html
    _save(app, "B", "Voici B")  # another page appears: A's link is no longer missing
    assert 'class="wikilink missing"' not in client.get("/wiki/A").get_data(as_text=True)
    assert "Pages qui mènent ici" in client.get("/wiki/B").get_data(as_text=True)
    _save(app, "A", "Plus de lien")
    assert "Pages qui mènent ici" not in client.get("/wiki/B").get_data(as_text=True)


def test_members_and_visitors_never_share_a_page(app, client, auth):
    _save(app, "Accueil", "Bonjour")
    auth.login()
    member_html = client.get("/wiki/Accueil").get_data(as_text=True)
    assert "?action=edit" in member_html
    auth.logout()
    visitor_html = client.get("/wiki/Accueil").get_data(as_text=True)
    assert "?action=edit" not in visitor_html
    assert "Se connecter" in visitor_html
    assert "Anne" not in visitor_html.split("</header>")[0]
    auth.login("bob")
    assert "Anne" not in client.get("/wiki/Accueil").get_data(as_text=True).split("</header>")[0]


def test_a_private_page_is_not_served_from_the_cache_to_a_visitor(app, client, auth):
    _save(app, "Interne", "secret", public=False)
    auth.login()
    assert "secret" in client.get("/wiki/Interne").get_data(as_text=True)
    auth.logout()
    response = client.get("/wiki/Interne")
    assert response.status_code in (302, 401)
    assert "secret" not in response.get_data(as_text=True)


def test_old_revisions_query_strings_and_edit_notices_are_not_cached(app, client, auth):
    _save(app, "Accueil", "un")
    _save(app, "Accueil", "deux")
    auth.login()
    assert "un" in client.get("/wiki/Accueil?rev=1").get_data(as_text=True)
    assert len(views._page_cache) == 0
    app.extensions["reperes"]["edit_notices"].touch("Accueil", "bob")
    html = client.get("/wiki/Accueil").get_data(as_text=True)
    assert "en cours de modification" in html.lower() or "Bob" in html or "bob" in html
    assert len(views._page_cache) == 0


def test_a_changed_account_name_shows_at_once(app, client):
    _save(app, "Accueil", "Bonjour", author="anne")
    assert "Anne" in client.get("/wiki/Accueil").get_data(as_text=True)
    users = app.extensions["reperes"]["users"]
    user = users.get("anne")
    user.display_name = "Anne L."
    users.save(user)
    assert "Anne L." in client.get("/wiki/Accueil").get_data(as_text=True)


def test_page_cache_is_bounded_in_bytes_too():
    cache = pagecache.PageCache(size=100, max_bytes=10_000)
    for i in range(10):
        cache.put(("page", i), b"x" * 3_000)
    assert len(cache) == 3  # 3 pages of 3,000 bytes fit in 10,000; the oldest went first
    assert cache.get(("page", 9)) is not None
    assert cache.get(("page", 0)) is None
    cache.put(("page", 9), b"y" * 9_000)  # replacing an entry counts its new size only
    assert len(cache) == 1
    assert cache.get(("page", 9)) == b"y" * 9_000
