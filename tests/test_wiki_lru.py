"""The bounded LRU behind the per-worker caches (revisions, renderings, pages)."""

import threading

from wiki.lru import BoundedLRU


def test_least_recently_used_go_first_when_over_the_count():
    lru = BoundedLRU(size=2, max_weight=1000)
    lru.put("a", "A")
    lru.put("b", "B")
    assert lru.get("a") == "A"  # a is now the most recent
    lru.put("c", "C")
    assert lru.get("b") is None
    assert (lru.get("a"), lru.get("c")) == ("A", "C")


def test_bounded_by_total_weight_and_replacement_counts_once():
    lru = BoundedLRU(size=100, max_weight=10)
    for key in "abcde":
        lru.put(key, "x" * 3)
    assert len(lru) == 3
    assert lru.weight == 9
    assert "a" not in lru
    lru.put("e", "y" * 8)  # replacing an entry: only its new weight counts
    assert len(lru) == 1
    assert lru.weight == 8
    assert lru.get("e") == "y" * 8


def test_a_value_bigger_than_the_cache_is_not_kept_and_evicts_nothing():
    lru = BoundedLRU(size=100, max_weight=10)
    lru.put("a", "x" * 5)
    lru.put("big", "y" * 11)
    assert "big" not in lru
    assert lru.get("a") == "x" * 5
    assert lru.weight == 5


def test_pop_and_clear_keep_the_weight_right():
    lru = BoundedLRU(size=10, max_weight=100, weight=lambda v: v[1])
    lru.put("a", ("A", 30))
    lru.put("b", ("B", 20))
    assert lru.pop("a") == ("A", 30)
    assert lru.pop("missing") is None
    assert lru.weight == 20
    lru.clear()
    assert (len(lru), lru.weight) == (0, 0)


def test_threads_putting_and_getting_at_once_keep_it_consistent():
    lru = BoundedLRU(size=50, max_weight=400)
    errors = []

    def work(n):
        try:
            for i in range(2000):
                lru.put((n, i % 80), "v" * (i % 13))
                lru.get((n, (i * 7) % 80))
                if i % 97 == 0:
                    lru.pop((n, i % 80))
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(lru) <= 50
    assert lru.weight <= 400
    assert lru.weight == sum(len(lru.get(k) or "") for k in list(lru._data))
