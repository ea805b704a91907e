"""A thread-safe LRU bounded in entries and in total weight (bytes, characters...). No Flask.

Every gunicorn worker keeps its own caches (revision texts, renderings, whole pages), so
each one is bounded by what it holds, not only by how many entries: a cheap server runs
several workers in little memory. The least recently used entries go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedLRU(Generic[V]):
    """At most `size` entries whose weights add up to at most `max_weight`."""

    def __init__(self, size: int, max_weight: int, weight: Callable[[V], int] = len):
        self.size, self.max_weight, self._weigh = size, max_weight, weight
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self.weight = 0  # total weight of the entries
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value (now the most recently used), or None."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        """Keep a value; older entries go while over the count or the weight."""
        weight = self._weigh(value)
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.weight -= self._weigh(old)
            if weight > self.max_weight:
                return  # bigger than the whole cache: not kept, and nothing evicted for it
            self._data[key] = value
            self.weight += weight
            while len(self._data) > self.size or self.weight > self.max_weight:
                self.weight -= self._weigh(self._data.popitem(last=False)[1])

    def pop(self, key: Hashable) -> V | None:
        """Forget one entry; its value, or None."""
        with self._lock:
            value = self._data.pop(key, None)
            if value is not None:
                self.weight -= self._weigh(value)
            return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()
            self.weight = 0

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)
