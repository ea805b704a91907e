"""The full-text index: the ONLY module of Repères importing whoosh (Whoosh-Reloaded).

    <root>/CURRENT        {"dir": "w-…", "schema": N}: which index folder is live
    <root>/w-…/           the Whoosh index (derived data, rebuilt by `flask reindex`)
    <root>/spool/         one small file per pending change (kind, key), written by any process
    <root>/writer.lock    fcntl lock: whoever holds it writes to the index

A save never waits for the index: the store's listener drops a spool file and wakes
this process's drainer thread. The drainer takes the writer lock (blocking, in the
background), re-reads the current state of every spooled document from its store,
commits once and removes the spool files it handled. Several worker processes
therefore never meet a Whoosh LockError, and no update is lost: a spool file stays
until someone has indexed the document's state *after* it was written.

Permissions live in the index: each document carries `public`, anonymous queries are
filtered on it and never look into `private_body`.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import gc
import json
import logging
import math
import os
import secrets
import shutil
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.standin import stand_in
from search.text import (
    STOP_WORDS,
    WORD,
    Snippet,
    edit_distance,
    expand_dates,
    fold,
    highlight,
    make_snippet,
    one_edit,
    parse_synonyms,
    plain_text,
)
from wiki import faults
from wiki.store import try_file_lock

# Whoosh's reader takes one decorator from the `cached_property` package, which imports asyncio
# (~1.5 MB and 9 ms in every process) for async variants; the standard library's is the same.
with stand_in("cached_property", cached_property=functools.cached_property):
    import whoosh.searching  # noqa: F401  (lazy in Whoosh; see _EAGER below)
    from whoosh.analysis import Filter, RegexTokenizer
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, _lenfield
    from whoosh.fields import ID, STORED, TEXT, Schema
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage, StorageError
    from whoosh.filedb.structfile import BufferFile
    from whoosh.query import Term
    from whoosh.util.numeric import byte_to_length
    from whoosh.writing import CLEAR

log = logging.getLogger(__name__)
# _EAGER: whoosh.searching is imported above, not lazily by Whoosh: with gunicorn --preload, a
# worker forked while the master's start-up thread held its import lock failed or hung on it.

SCHEMA_VERSION = 3  # 3: structures' services, needs and prices in tags; events' last day
STORED_TEXT_LIMIT = 32_000      # characters of body kept for snippets
MAX_QUERY_WORDS = 12
FIELD_BOOSTS = {"title": 4.0, "tags": 1.5, "body": 1.0, "private_body": 1.0}
SYNONYM_BOOST = 0.5
FUZZY_BOOST = 0.7
FUZZY_MIN_LENGTH = 5
# Priors: a score multiplier per kind of document, for the same words matched. Front desks
# look for a place: a structure comes before an event or a contribution *mentioning* it;
# pages stay neutral; kinds not listed get 1. An event whose last day is over gets less.
KIND_PRIOR = {"structures": 1.25, "pages": 1.0, "events": 0.85, "contributions": 0.8}
PAST_EVENT_PRIOR = 0.5
ORPHAN_SECONDS = 1.0  # a spool file older than this is drained by the next search
REBUILD_LIMIT_MB = 64  # Whoosh's in-memory pool while rebuilding (see rebuild)
CODEC_OPTIONS = {"blocklimit": 1024, "compression": 1}  # long blocks, light zlib: fast bulk reads

# ---------------------------------------------------------------- segments read with pread


class _FileWindow:
    """Bytes [offset, offset + length) of an open segment file, sliced with os.pread.

    Whoosh maps each compound segment into memory. Every page of a mapping that a search
    touches (stored texts for snippets, postings, the term table) then stays in the
    worker's resident memory until the segment is closed: ~12 MB per worker at 10,000
    pages. Read with pread, those pages stay in the kernel's page cache (shared and
    reclaimable like any file) and the worker keeps only what it decodes. pread has no
    file position, so threads and forked workers share the descriptor safely.
    """

    __slots__ = ("_fileno", "_length", "_offset")

    def __init__(self, fileno: Callable[[], int], offset: int, length: int) -> None:
        # The file's fileno method, not its number: once the segment is closed it raises
        # instead of reading whatever file reused the number.
        self._fileno, self._offset, self._length = fileno, offset, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, item: slice) -> bytes:
        start, stop, _step = item.indices(self._length)
        if stop <= start:
            return b""
        return os.pread(self._fileno(), stop - start, self._offset + start)


class _WindowFile:
    """A read-only file over a _FileWindow (or bytes), as Whoosh's BufferFile expects."""

    __slots__ = ("_pos", "_view")

    def __init__(self, view) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start, end = self._pos, len(self._view)
        if size is not None and size >= 0:
            end = min(end, start + size)
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        start, step = self._pos, 256
        while start < end:
            chunk = bytes(self._view[start:min(end, start + step)])
            at = chunk.find(b"\n")
            if at >= 0:
                return self.read(start - self._pos + at + 1)
            start, step = start + len(chunk), step * 2
        return self.read(end - self._pos)

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._view = b""


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    self._buf = buf
    self._name = name
    self.file = _WindowFile(buf)  # Whoosh's own copies the buffer into a BytesIO
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _compound_open_file(self, name, *args, **kwargs):
    if self.is_closed:
        raise StorageError("Storage was closed")
    offset, length = self.range(name)
    return BufferFile(_FileWindow(self._file.fileno, offset, length), name=name)


BufferFile.__init__ = _buffer_file_init  # whoosh.filedb.structfile.BufferFile
CompoundStorage.open_file = _compound_open_file  # opened without mmap: see _storage


def _storage(path: Path) -> FileStorage:
    """Whoosh's storage for an index folder; compound segments are read with pread (_FileWindow)."""
    return FileStorage(str(path), supports_mmap=False)


# ---------------------------------------------------------------- the French analyzer


def _french_stemmer():
    """Whoosh's French Snowball stemmer, imported without the other 13 languages (~2 MB).

    An empty stand-in for the package whoosh.lang.snowball lets french.py's relative imports
    resolve; the real package, if anything asks for it later, imports normally.
    """
    import whoosh.lang

    folder = os.path.join(os.path.dirname(whoosh.lang.__file__), "snowball")
    with stand_in("whoosh.lang.snowball", __path__=[folder]):
        from whoosh.lang.snowball.french import FrenchStemmer
    return FrenchStemmer()


_stemmer = _french_stemmer()


@lru_cache(maxsize=50_000)  # per process: the words of a big wiki, not every word ever seen
def normalize_word(word: str) -> str | None:
    """One word as the index keeps it: folded, plural and suffix stemmed; None for a stop word."""
    folded = fold(word)
    if folded in STOP_WORDS or len(folded) > 40:
        return None
    if len(folded) > 3 and folded[-1] in "sx" and not folded.endswith("ss"):
        folded = folded[:-1]  # light plural step first: snowball keeps « rendus », « cas »
    return _stemmer.stem(folded)


def analyze(text: str) -> list[str]:
    """The index terms of a text, in order (same pipeline as the index)."""
    return [t for t in map(normalize_word, WORD.findall(text)) if t]


class _FrenchFilter(Filter):
    """Case and accent folding, stop words, French stemming (cached per word)."""

    is_morph = True

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, tokens):
        for token in tokens:
            term = normalize_word(token.text)
            if term:
                token.text = term
                yield token


def french_analyzer():
    """The analyzer used for every text field, at index and at query time."""
    return RegexTokenizer(r"\w+") | _FrenchFilter()


def make_schema() -> Schema:
    """Fields of the index; `public` is what the permission filter reads."""
    text = {"analyzer": french_analyzer(), "phrase": False, "stored": True}
    return Schema(
        id=ID(unique=True, stored=True),
        version=ID(),  # "kind:key@revision": what `reconcile` compares with the stores
        kind=ID(stored=True),
        public=ID(stored=True),
        key=STORED(),
        url=STORED(),
        extra=STORED(),
        modified=STORED(),
        title=TEXT(**text),
        tags=TEXT(**text),
        body=TEXT(**text),
        private_body=TEXT(**text),
    )


# ---------------------------------------------------------------- results


@dataclass
class Hit:
    """One result, ready for a template (snippet parts are escaped there)."""

    kind: str
    key: str
    title: str
    url: str
    title_parts: Snippet
    snippet: Snippet
    extra: dict
    public: bool
    score: float


@dataclass
class Results:
    """A page of results and what the page around it needs."""

    query: str
    kind: str | None
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 0
    suggestion: str | None = None  # « Vouliez-vous dire : … »
    approximate: bool = False      # typo-tolerant matching was used
    partial: bool = False          # no document has every word: best partial matches
    rebuilding: bool = False       # the index is being rebuilt


# ---------------------------------------------------------------- scoring on posting arrays
#
# Whoosh keeps the postings; scoring and counting are done here on numpy arrays, one
# segment at a time: a query term is a few array operations instead of a Python loop
# per matching document (the corpus's common words match thousands of documents).
# Segment data never changes (deletions aside), so it is cached per segment.

BM25_K1 = 1.2
BM25_B = 0.75
# Length normalisation per field: tags are a list of keywords (a structure's thématiques,
# services and needs); a place offering many services is not less about each of them.
FIELD_B = {"tags": 0.2}
_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def _read_postings(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, term frequencies) of a term in one segment, read block by block."""
    try:
        tbytes = reader._text_to_bytes(fieldname, text)
        if (fieldname, tbytes) not in reader._terms:
            return _EMPTY
        matcher = reader._terms.matcher(fieldname, tbytes, reader.schema[fieldname].format)
    except Exception:
        return _EMPTY
    id_blocks: list[np.ndarray] = []
    weight_blocks: list[np.ndarray] = []
    try:
        if getattr(matcher, "_byteids", True):
            raise AttributeError("not a W3 posting list")
        while True:  # whole blocks at a time (W3LeafMatcher internals, pinned by the version)
            if matcher._data is None:
                matcher._read_data()
            raw_ids, raw_weights = matcher._data[0], matcher._data[1]
            count = matcher._blocklength
            id_blocks.append(np.cumsum(raw_ids, dtype=np.int32))  # delta-coded; a segment has < 2**31 documents
            if raw_weights is None:
                weight_blocks.append(np.ones(count, dtype=np.float32))
            elif isinstance(raw_weights, float):
                weight_blocks.append(np.full(count, raw_weights, dtype=np.float32))
            else:
                weight_blocks.append(np.asarray(raw_weights, dtype=np.float32))
            if matcher._lastblock:
                break
            matcher._next_block()
    except AttributeError:  # another codec: the slow, public way
        ids, weights = [], []
        matcher = reader.postings(fieldname, text)
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)
    if not id_blocks:
        return _EMPTY
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


class _Segment:
    """What a segment never changes: field lengths, public and kind masks, postings (LRU)."""

    POSTINGS_CACHE = 256
    # A frequent word's postings at 10,000 pages: ~80 KB. Every worker holds its own cache.
    POSTINGS_BYTES = 1536 * 1024

    def __init__(self, reader):
        self.n = reader.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._postings: OrderedDict = OrderedDict()
        self._postings_bytes = 0
        self._names: dict[str, tuple[list, dict[int, str]]] = {}
        self._vocabulary: set[str] | None = None
        self._priors: tuple[str, np.ndarray] | None = None  # (day, multiplier per document)
        self._lock = threading.Lock()
        self.public = self.mask(_read_postings(reader, "public", "1")[0])
        self.kinds = {}
        for raw in reader.lexicon("kind"):
            kind = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            self.kinds[kind] = self.mask(_read_postings(reader, "kind", kind)[0])

    def mask(self, ids: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        out[ids] = True
        return out

    def live_mask(self, reader) -> np.ndarray:
        live = np.ones(self.n, dtype=bool)
        deleted = reader.deleted_docs_set if hasattr(reader, "deleted_docs_set") else ()
        if deleted:
            live[np.fromiter(deleted, dtype=np.int64)] = False
        return live

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        cached = self._lengths.get(fieldname)
        if cached is None:
            try:
                column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                raw = np.zeros(self.n, dtype=np.uint8)
                if column is not None:  # one length byte per document, read at once
                    count = min(self.n, column._count)
                    raw[:count] = np.frombuffer(column._dbfile.get(column._basepos, count), np.uint8)
                cached = _BYTE_TO_LENGTH[raw]
            except AttributeError:
                cached = np.array([reader.doc_field_length(d, fieldname, 0) for d in range(self.n)],
                                  dtype=np.float32)
            self._lengths[fieldname] = cached
        return cached

    def postings(self, reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (fieldname, text)
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        found = _read_postings(reader, fieldname, text)
        with self._lock:
            old = self._postings.pop(key, None)
            if old is not None:
                self._postings_bytes -= old[0].nbytes + old[1].nbytes
            self._postings[key] = found
            self._postings_bytes += found[0].nbytes + found[1].nbytes
            while self._postings and (len(self._postings) > self.POSTINGS_CACHE
                                      or self._postings_bytes > self.POSTINGS_BYTES):
                ids, weights = self._postings.popitem(last=False)[1]
                self._postings_bytes -= ids.nbytes + weights.nbytes
        return found

    def vocabulary(self, reader) -> set[str]:
        """Every term of the searchable public fields (for typo correction)."""
        if self._vocabulary is None:
            words = set()
            for fieldname in ("title", "tags", "body"):
                words.update(t.decode("utf-8") if isinstance(t, bytes) else t
                             for t in reader.lexicon(fieldname))
            self._vocabulary = words
        return self._vocabulary

    def names(self, reader, kind: str) -> list[tuple[int, str, str, str]]:
        """(docnum, folded title, title, url) of the documents of a kind, for suggestions."""
        return self._kind(reader, kind)[0]

    def keys(self, reader, kind: str) -> dict[int, str]:
        """docnum -> key of the documents of a kind (the directory's filters ask for all of them)."""
        return self._kind(reader, kind)[1]

    def _kind(self, reader, kind: str) -> tuple[list, dict[int, str]]:
        # One pass over the stored fields of a kind, once per segment: a stored record holds
        # the document's text too, and decoding 1,000 of them took ~8 ms per directory filter.
        cached = self._names.get(kind)
        if cached is None:
            names, keys = [], {}
            mask = self.kinds.get(kind)
            for docnum in np.flatnonzero(mask) if mask is not None else ():
                stored = reader.stored_fields(int(docnum))
                title = stored.get("title", "")
                names.append((int(docnum), " ".join(fold(title).split()), title, stored.get("url", "")))
                keys[int(docnum)] = stored["key"]
            cached = self._names[kind] = (names, keys)
        return cached

    def priors(self, reader, today: str) -> np.ndarray:
        """Score multiplier per document: its kind's prior, lower for an event over before today."""
        cached = self._priors
        if cached is not None and cached[0] == today:
            return cached[1]
        prior = np.ones(self.n, dtype=np.float32)
        for kind, mask in self.kinds.items():
            prior[mask] = KIND_PRIOR.get(kind, 1.0)
        events = self.kinds.get("events")
        for docnum in np.flatnonzero(events) if events is not None else ():
            extra = reader.stored_fields(int(docnum)).get("extra") or {}
            last = str(extra.get("last") or extra.get("start") or "")[:10]
            if last and last < today:  # ISO days compare as text
                prior[docnum] *= PAST_EVENT_PRIOR
        self._priors = (today, prior)
        return prior


class _Scorer:
    """BM25F over a query tree: ("term", t, boost, named) | ("or", [...]) | ("and", [...]).

    A term's frequencies in the text fields (tags, body, private body) are weighted
    (FIELD_BOOSTS) and length-normalised (FIELD_B) first, then saturated once, with one idf
    per term: a word found in the tags and the body counts more than in the body alone, but
    not twice over. A title (a structure's name, a page's name) is a name, not more text:
    a query word found there scores apart, weighted by FIELD_BOOSTS["title"]. A synonym
    (named=False) in a title counts as text only: « logement » in « Service logement » is no
    answer to « dormir » by name, and does not outweigh the shelters meeting the need itself.
    """

    def __init__(self, searcher, fields: tuple[str, ...]):
        self.searcher = searcher
        self.fields = fields
        self.total = max(1, searcher.doc_count_all())
        self.avg = {f: max(1.0, searcher.reader().field_length(f) / self.total) for f in fields}
        self._idf: dict[str, float] = {}

    def idf(self, text: str) -> float:
        """One idf per term; its document frequency is that of its most frequent field."""
        if text not in self._idf:
            df = max(self.searcher.doc_frequency(f, text) for f in self.fields)
            self._idf[text] = math.log(1 + (self.total - df + 0.5) / (df + 0.5))
        return self._idf[text]

    def evaluate(self, node, seg: _Segment, reader) -> tuple[np.ndarray, np.ndarray]:
        """(matching mask, scores) of a query tree in one segment."""
        op = node[0]
        if op == "term":
            _op, text, boost, named = node
            mask = np.zeros(seg.n, dtype=bool)
            tf_sum = np.zeros(seg.n, dtype=np.float32)  # text fields: weighted, length-normalised
            name = None  # the title's own BM25 part, for a query word
            for fieldname in self.fields:
                ids, tf = seg.postings(reader, fieldname, text)
                if not len(ids):
                    continue
                mask[ids] = True
                b = FIELD_B.get(fieldname, BM25_B)
                norm = 1 - b + b * seg.lengths(reader, fieldname)[ids] / self.avg[fieldname]
                if fieldname == "title" and named:
                    name = (ids, FIELD_BOOSTS["title"] * tf / (tf + BM25_K1 * norm))
                else:
                    tf_sum[ids] += FIELD_BOOSTS[fieldname] * tf / norm
            scores = np.divide(tf_sum, tf_sum + BM25_K1, out=tf_sum)  # saturated once (in place)
            if name is not None:
                scores[name[0]] += name[1]
            scores *= boost * self.idf(text) * (BM25_K1 + 1)
            return mask, scores
        children = [self.evaluate(child, seg, reader) for child in node[1]]
        mask = children[0][0].copy()
        scores = children[0][1].copy()
        for child_mask, child_scores in children[1:]:
            if op == "and":
                mask &= child_mask
            else:
                mask |= child_mask
            scores += child_scores
        if op == "and":
            scores *= mask
        return mask, scores


@dataclass
class _Matches:
    """Matching documents per segment, with their scores, and how they were found."""

    parts: list  # (segment, reader, offset, mask, scores)
    marks: set[str]
    fuzzed: dict[str, list[str]]
    partial: bool

    def counts(self, kinds: list[str]) -> dict[str, int]:
        return {k: int(sum(np.count_nonzero(mask & seg.kinds[k]) for seg, _r, _o, mask, _s in self.parts
                           if k in seg.kinds)) for k in kinds}

    def ranked(self, kind: str | None, limit: int | None) -> list[tuple]:
        """(segment, reader, local docnum, score), best first (ties: older documents first)."""
        candidates = []
        for seg, reader, offset, mask, scores in self.parts:
            wanted = mask if kind is None else mask & seg.kinds.get(kind, np.zeros(seg.n, dtype=bool))
            ids = np.flatnonzero(wanted)
            if limit is not None and len(ids) > limit:
                top = np.argpartition(-scores[ids], limit - 1)[:limit]
                ids = ids[top]
            candidates += [(-float(scores[i]), offset + int(i), seg, reader, int(i)) for i in ids]
        candidates.sort(key=lambda c: (c[0], c[1]))
        if limit is not None:
            candidates = candidates[:limit]
        return [(seg, reader, local, -neg) for neg, _g, seg, reader, local in candidates]


# ---------------------------------------------------------------- the index

try:
    _malloc_trim = ctypes.CDLL(None).malloc_trim  # glibc (Debian): give freed heap pages back
except (OSError, AttributeError):  # another C library: nothing to call
    _malloc_trim = None


def release_memory() -> None:
    """After an index write in a web worker: free what the write left behind.

    Whoosh's writers and readers hold their buffers in reference cycles that only a full
    collection frees (a worker rarely runs one), and glibc keeps freed heap pages until
    asked. Measured at 10,000 pages: 40 saves grew a worker by 12.5 MB, 4.5 MB with this.
    The collection takes ~10-30 ms, in the background thread that did the write.
    """
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)


_INSTANCES: weakref.WeakSet = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for instance in list(_INSTANCES):
        instance._after_fork()


def _before_fork() -> None:
    """gunicorn --preload forks right after the app is built: let the start-up threads finish
    first (a thread running at fork time can leave an import lock held in the worker: it hung)."""
    for instance in list(_INSTANCES):
        for thread in (instance._rebuild_thread, getattr(instance, "_start_thread", None)):
            if thread is not None and thread.is_alive() and thread is not threading.current_thread():
                thread.join(timeout=300)


os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


class SearchIndex:
    """Keeps a Whoosh index in step with document stores, across worker processes."""

    def __init__(self, root: Path | str, sources: Callable[[], dict], *,
                 synonyms_path: Path | None = None, sync: bool = False):
        self.root = Path(root)
        self.spool = self.root / "spool"
        self.spool.mkdir(parents=True, exist_ok=True)
        self._sources = sources
        self.synonyms_path = synonyms_path
        self.sync = sync  # drain in the saving thread (tests, CLI) instead of a background thread
        self._local = threading.local()
        self._thread: threading.Thread | None = None
        self._thread_pid = 0
        self._wake = threading.Event()
        self._rebuilding = threading.Event()
        self._rebuild_thread: threading.Thread | None = None
        self._deferred = False
        self._synonyms: tuple[float, dict] = (-1.0, {})
        self._segment_cache: dict = {}
        self._segment_lock = threading.Lock()
        self._lock_fds: set[int] = set()
        self._exit_hook = False
        _INSTANCES.add(self)

    # -- index folder

    def _pointer(self) -> dict | None:
        try:
            data = json.loads((self.root / "CURRENT").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
            return None
        return data

    def _open(self):
        """The live Whoosh index, or None when it is missing, outdated or unreadable."""
        pointer = self._pointer()
        if pointer is None:
            return None
        try:
            ix = _storage(self.root / pointer["dir"]).open_index()
            ix.doc_count_all()
            return ix
        except Exception:
            log.warning("search index %s is unreadable", pointer.get("dir"), exc_info=True)
            return None

    def healthy(self) -> bool:
        """Whether a usable index is there."""
        return self._open() is not None

    def _writer_lock(self, block: bool = True):
        """The index's writer lock; its descriptor is tracked so a forked worker closes its copy."""
        return try_file_lock(self.root / "writer.lock", block, fds=self._lock_fds)

    def _after_fork(self) -> None:
        """In a forked worker (gunicorn preload_app): drop what belongs to the parent.

        A flock belongs to the open file: a worker keeping the parent's descriptor would
        hold the writer lock forever once the parent's thread is gone.
        """
        for fd in list(self._lock_fds):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._lock_fds = set()
        self._local = threading.local()
        self._thread = None
        self._wake = threading.Event()
        self._rebuilding = threading.Event()
        self._rebuild_thread = None
        self._segment_lock = threading.Lock()

    # -- documents

    def _doc_fields(self, doc, revision: int = 0) -> dict:
        title_terms = doc.title + " " + expand_dates(doc.title)
        body = plain_text(doc.body or "")  # sources may give Markdown (events...): no ** in snippets
        return {
            "id": f"{doc.kind}:{doc.key}",
            "version": f"{doc.kind}:{doc.key}@{revision}",
            "kind": doc.kind,
            "public": "1" if doc.public else "0",
            "key": doc.key,
            "url": doc.url,
            "extra": dict(doc.extra or {}),
            "modified": float(doc.modified or 0.0),
            "title": title_terms, "_stored_title": doc.title,
            "tags": " ".join(doc.tags or ()),
            "body": body + " " + expand_dates(body[:5000]), "_stored_body": body[:STORED_TEXT_LIMIT],
            "private_body": doc.private_body or "",
            "_stored_private_body": (doc.private_body or "")[:STORED_TEXT_LIMIT],
        }

    def _current(self, kind: str, key: str):
        """(SearchDoc, revision number) of a document as its store has it now; doc None when
        it is deleted or not to be indexed."""
        source = self._sources().get(kind)
        if source is None:
            return None, 0
        try:
            revision = source.store.load(key, cache=False)  # indexed, not kept in memory
        except LookupError:  # wiki.store.NotFound
            return None, 0
        except Exception:
            log.exception("search: cannot read %s %s", kind, key)
            return None, 0
        if revision.meta.get("deleted") or revision.meta.get("redirect"):
            return None, revision.number
        return source.extract(key, revision), revision.number

    def _current_doc(self, kind: str, key: str):
        """The SearchDoc of a document as its store has it now, or None (deleted, not indexed)."""
        return self._current(kind, key)[0]

    def _all_docs(self) -> Iterable:
        for kind, source in list(self._sources().items()):
            for key in source.store.names():
                try:
                    doc, number = self._current(kind, key)
                except Exception:
                    log.exception("search: cannot extract %s %s", kind, key)
                    continue
                if doc is not None:
                    yield doc, number

    def reconcile(self) -> int:
        """Spool every document whose indexed revision is not its store's current one.

        Catches what a crash between a save and its spool file lost, or files changed
        while the application was stopped. Returns how many were spooled (-1: busy).
        """
        # "kind:key" -> indexed revision, as the index spells them: the fewest objects for
        # 11,000 documents (this runs in a web worker, whose memory keeps the holes they leave).
        indexed: dict[str, str] = {}
        with self._writer_lock(block=False) as locked:
            ix = self._open() if locked else None
            if ix is None:
                return -1
            with ix.searcher() as searcher:
                for reader, _offset in searcher.reader().leaf_readers():
                    deleted = getattr(reader, "deleted_docs_set", frozenset())
                    for raw in reader.lexicon("version"):
                        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                        if deleted and all(int(i) in deleted for i in _read_postings(reader, "version", text)[0]):
                            continue  # only in deleted documents
                        head, _sep, number = text.rpartition("@")
                        indexed[head] = number
        stale = set()
        for kind, source in list(self._sources().items()):
            store = source.store
            for key in store.names(include_deleted=True):
                number = store.current_number(key)
                seen = indexed.pop(f"{kind}:{key}", None)
                if seen is not None:
                    if seen != str(number):
                        stale.add((kind, key))
                elif number is not None and store.exists(key) and self._current_doc(kind, key):
                    stale.add((kind, key))  # should be in the index and is not
        # indexed, but gone from its store (or its source)
        stale |= {tuple(head.split(":", 1)) for head in indexed}
        for kind, key in sorted(stale):
            self._spool(kind, key)
        if stale:
            self.notify_pending()
        return len(stale)

    # -- updates

    def notify(self, kind: str, key: str | None) -> None:
        """Record that a document changed (cheap, never blocks) and get it indexed soon.

        key=None asks for the whole kind to be compared with its store (a source
        registered late, a restored backup).
        """
        self._spool(kind, key)
        if self._deferred:
            return
        self.notify_pending()

    def _spool(self, kind: str, key: str | None) -> None:
        name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}.json"
        tmp = self.spool / f".tmp-{name}"
        tmp.write_text(json.dumps({"kind": kind, "key": key}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.spool / name)

    def notify_pending(self) -> None:
        """Get the spooled changes indexed: now (sync) or by this process's indexing thread."""
        if self.sync:
            self.drain(block=True)
        else:
            self._ensure_thread()
            self._wake.set()
            if not self._exit_hook:  # a short-lived process (a CLI import) indexes before leaving
                self._exit_hook = True
                atexit.register(self._drain_at_exit)

    @contextlib.contextmanager
    def batch(self):
        """Many saves in a row (an import, the tests' fixtures): index them once, at the end."""
        self._deferred = True
        try:
            yield self
        finally:
            self._deferred = False
            self.drain(block=True)

    def listener(self, kind: str) -> Callable:
        """A DocumentStore listener spooling the changes of one kind."""

        def on_change(change) -> None:
            if change.old_name:
                self.notify(kind, change.old_name)
            self.notify(kind, change.name)

        on_change.search_kind = kind
        return on_change

    def _pending(self) -> list[os.DirEntry]:
        try:
            return sorted((e for e in os.scandir(self.spool) if not e.name.startswith(".")),
                          key=lambda e: e.name)
        except FileNotFoundError:
            return []

    def pending(self) -> int:
        """How many changes wait to be indexed."""
        return len(self._pending())

    def drain(self, block: bool = True, batch: int = 2000) -> int:
        """Index the spooled changes; -1 if another process holds the writer lock (block=False)."""
        with self._writer_lock(block) as locked:
            if not locked:
                return -1
            done = 0
            while True:
                entries = self._pending()[:batch]
                if not entries:
                    return done
                ix = self._open()
                if ix is None:
                    return done  # a rebuild will read every document anyway
                wanted = set()
                for entry in entries:
                    try:
                        data = json.loads(Path(entry.path).read_text(encoding="utf-8"))
                        kind, key = str(data["kind"]), data["key"]
                    except (OSError, ValueError, KeyError, TypeError):
                        log.warning("search: dropping unreadable spool file %s", entry.name)
                        continue
                    if key is None:
                        wanted |= self._whole_kind(ix, kind)
                    else:
                        wanted.add((kind, str(key)))
                writer = ix.writer(timeout=30.0, codec=W3Codec(**CODEC_OPTIONS))
                try:
                    for kind, key in sorted(wanted):
                        doc, number = self._current(kind, key)
                        if doc is None:
                            writer.delete_by_term("id", f"{kind}:{key}")
                        else:
                            writer.update_document(**self._doc_fields(doc, number))
                    faults.point("index.before-commit")
                    writer.commit()
                except BaseException:
                    writer.cancel()
                    raise
                for entry in entries:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                done += len(entries)

    def _whole_kind(self, ix, kind: str) -> set[tuple[str, str]]:
        """Every document of a kind, in the store or in the index (to add or to remove)."""
        keys = set()
        source = self._sources().get(kind)
        if source is not None:
            keys.update(source.store.names())
        with ix.searcher() as searcher:
            for docnum in searcher.docs_for_query(Term("kind", kind)):
                keys.add(searcher.stored_fields(docnum)["key"])
        return {(kind, k) for k in keys}

    def _drain_at_exit(self) -> None:
        with contextlib.suppress(Exception):
            if self._pending():
                self.drain(block=False)  # busy (a rebuild)? the web workers will do it

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread_pid == os.getpid() and self._thread.is_alive():
            return
        self._thread_pid = os.getpid()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._drain_loop, name="search-drain", daemon=True)
        self._thread.start()

    def _drain_loop(self) -> None:
        while True:
            self._wake.wait(timeout=ORPHAN_SECONDS)
            self._wake.clear()
            try:
                if self._pending():
                    if self._open() is None:
                        self.rebuild(only_if_broken=True)
                    if self.drain(block=True) > 0:
                        release_memory()
            except Exception:
                log.exception("search: indexing the pending changes failed; will retry")
                time.sleep(1.0)

    def _catch_up(self) -> None:
        """Before a search: index what waits (always when sync, else only orphaned changes)."""
        entries = self._pending()
        if not entries:
            return
        if self.sync:
            self.drain(block=True)
            return
        self._ensure_thread()
        oldest = int(entries[0].name.split("-", 1)[0]) / 1e9
        if time.time() - oldest > ORPHAN_SECONDS:
            self.drain(block=False)

    # -- full rebuild

    def rebuild(self, *, only_if_broken: bool = False) -> int:
        """Build a fresh index from every store, then switch to it; returns the document count."""
        self._rebuilding.set()
        try:
            with self._writer_lock(block=True):
                if only_if_broken and self._open() is not None:
                    return -1
                started = {e.name for e in self._pending()}
                folder = f"w-{time.time_ns()}"
                path = self.root / folder
                path.mkdir(parents=True)
                ix = _storage(path).create_index(make_schema())
                # Compound segments (one file each, read with pread: see _FileWindow): with
                # separate files, column files are opened lazily, and a merge committed by another
                # worker could delete one first. limitmb=64: a rebuild may run in a web worker;
                # at 10,000 pages it is as fast as with 256 and peaks at 177 MB instead of 428.
                writer = ix.writer(limitmb=REBUILD_LIMIT_MB, codec=W3Codec(**CODEC_OPTIONS))
                count = 0
                try:
                    for doc, number in self._all_docs():
                        writer.add_document(**self._doc_fields(doc, number))
                        count += 1
                    writer.commit(mergetype=CLEAR)
                except BaseException:
                    writer.cancel()
                    shutil.rmtree(path, ignore_errors=True)
                    raise
                from wiki.store import atomic_write  # plain-file helper, no Flask

                atomic_write(self.root / "CURRENT", json.dumps({"dir": folder, "schema": SCHEMA_VERSION,
                                                                "built": time.time()}))
                for entry in os.scandir(self.root):
                    if entry.is_dir() and entry.name.startswith("w-") and entry.name != folder:
                        shutil.rmtree(entry.path, ignore_errors=True)
                for name in started:  # read from the files after they were written
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self.spool / name)
            self.drain(block=True)
            return count
        finally:
            self._rebuilding.clear()

    def _reconcile_quietly(self) -> None:
        try:
            self.reconcile()
        except Exception:
            log.exception("search: reconciling the index with the stores failed")
        finally:
            release_memory()  # it lists every document: ~7 MB in a web worker at 10,000 pages

    def rebuild_in_background(self) -> None:
        """Start a rebuild thread (the search page says « index en reconstruction » meanwhile)."""
        if self._rebuilding.is_set():
            return
        self._rebuilding.set()

        def run():
            try:
                self.rebuild(only_if_broken=True)
            except Exception:
                log.exception("search: background rebuild failed")
            finally:
                self._rebuilding.clear()
                release_memory()  # a rebuild's peak is ~180 MB at 10,000 pages

        self._rebuild_thread = threading.Thread(target=run, name="search-rebuild", daemon=True)
        self._rebuild_thread.start()

    def wait_for_rebuild(self, timeout: float | None = None) -> None:
        """Wait until this process's background rebuild (if any) has finished."""
        thread = self._rebuild_thread
        if thread is not None:
            thread.join(timeout)

    def check_at_start(self) -> bool:
        """Detect a missing or corrupt index and rebuild it, else reconcile it with the stores
        (both in the background unless sync)."""
        if self._open() is not None:
            if self.sync:
                self.reconcile()
            else:
                self._start_thread = threading.Thread(target=self._reconcile_quietly,
                                                      name="search-reconcile", daemon=True)
                self._start_thread.start()
            return True
        if self.sync:
            self.rebuild(only_if_broken=True)
            return True
        self.rebuild_in_background()
        return False

    # -- searching

    def _searcher(self):
        """This thread's searcher on the live index, refreshed when the index changed."""
        pointer = self._pointer()
        if pointer is None:
            return None
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[0] == pointer["dir"]:
            searcher = cached[1]
            try:
                if searcher.up_to_date():
                    return searcher
                # not refresh(): it reuses segment readers and misses new deletions
            except Exception:
                log.info("search: reopening the index", exc_info=True)
        if cached is not None:
            with contextlib.suppress(Exception):
                cached[1].close()
            self._local.searcher = None
        ix = self._open()
        if ix is None:
            return None
        searcher = ix.searcher()
        self._local.searcher = (pointer["dir"], searcher)
        return searcher

    def _segments(self, searcher) -> list[tuple]:
        """(cached segment data, docnum offset, live-documents mask, reader) per segment."""
        out = []
        with self._segment_lock:
            cache = self._segment_cache
            seen = set()
            for reader, offset in searcher.reader().leaf_readers():
                segment = reader.segment()
                segid = segment.segment_id() if segment is not None else id(reader)
                seen.add(segid)
                data = cache.get(segid)
                if data is None or data.n != reader.doc_count_all():
                    data = cache[segid] = _Segment(reader)
                out.append((data, offset, data.live_mask(reader), reader))
            if len(cache) > 4 * len(seen) + 16:  # segments merged away long ago
                for segid in [s for s in cache if s not in seen]:
                    del cache[segid]
        return out

    def synonyms(self) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
        """The synonym list as term tuples, re-read when the file changes."""
        path = self.synonyms_path
        try:
            mtime = path.stat().st_mtime if path else 0.0
        except OSError:
            mtime = 0.0
        if mtime == self._synonyms[0]:
            return self._synonyms[1]
        from search.text import DEFAULT_SYNONYMS

        try:
            text = path.read_text(encoding="utf-8") if path and mtime else DEFAULT_SYNONYMS
        except OSError:
            text = DEFAULT_SYNONYMS
        raw, _errors = parse_synonyms(text)
        table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for word, targets in raw.items():
            key = tuple(analyze(word))
            if not key:
                continue
            for target in targets:
                terms = tuple(analyze(target))
                if terms and terms != key and terms not in table.setdefault(key, []):
                    table[key].append(terms)
        self._synonyms = (mtime, table)
        return table

    @staticmethod
    def _phrase(terms: tuple[str, ...], boost: float = 1.0, named: bool = True) -> tuple:
        parts = [("term", t, boost, named) for t in terms]
        return parts[0] if len(parts) == 1 else ("and", parts)

    def _parse(self, text: str) -> list[tuple[str, str]]:
        """(original word, term) pairs of a query, stop words left out."""
        pairs = []
        for word in WORD.findall(text)[: MAX_QUERY_WORDS * 2]:
            term = normalize_word(word)
            if term:
                pairs.append((word, term))
        return pairs[:MAX_QUERY_WORDS]

    def _build(self, pairs, fields, searcher, *, fuzzy: bool, any_word: bool):
        """The query tree: each word (or synonym key) is an OR of its forms; words are ANDed.

        Returns (tree, all terms for highlighting, {word: fuzzy candidate terms}).
        """
        synonyms = self.synonyms()
        longest = max((len(k) for k in synonyms), default=1)
        terms = [t for _w, t in pairs]
        groups: list[tuple] = []
        marks: set[str] = set(terms)
        fuzzed: dict[str, list[str]] = {}
        i = 0
        while i < len(pairs):
            size = 1
            for k in range(min(longest, len(pairs) - i), 1, -1):
                if tuple(terms[i:i + k]) in synonyms:
                    size = k
                    break
            key = tuple(terms[i:i + size])
            alternatives = [self._phrase(key)]
            for target in synonyms.get(key, []):
                alternatives.append(self._phrase(target, SYNONYM_BOOST, named=False))
                marks.update(target)
            word, term = pairs[i]
            if fuzzy and size == 1 and len(word) >= FUZZY_MIN_LENGTH:
                near = self._near_terms(searcher, word, term, fields)
                if near:
                    fuzzed[word] = near
                    marks.update(near)
                    alternatives += [("term", t, FUZZY_BOOST, True) for t in near]
            groups.append(alternatives[0] if len(alternatives) == 1 else ("or", alternatives))
            i += size
        if not groups:
            return None, marks, fuzzed
        tree = groups[0] if len(groups) == 1 else ("or" if any_word else "and", groups)
        return tree, marks, fuzzed

    def _near_terms(self, searcher, word: str, term: str, fields) -> list[str]:
        """Index terms of the words one edit away from what was typed, most frequent first."""
        segments = self._segments(searcher)

        def known(stems: set[str]) -> set[str]:
            found = set()
            for seg, _offset, _live, reader in segments:
                found |= stems & seg.vocabulary(reader)
            return found

        # First the cheap way: one edit on the term itself (« alcol » -> « alcool »), then one
        # edit on the typed word, each variant stemmed (« hebergment » -> « hébergement »).
        near = known(one_edit(term) - {term}) if len(term) >= 4 else set()
        if not near:
            near = known({normalize_word(v) for v in one_edit(fold(word))} - {None, term})
        reader = searcher.reader()
        found = {s: sum(reader.doc_frequency(f, s) for f in fields if f != "private_body")
                 for s in near}
        return sorted(found, key=lambda t: (-found[t], t))[:6]

    def search(self, text: str, *, member: bool, kind: str | None = None, page: int = 1,
               page_size: int = 20) -> Results:
        """One page of results, counts per kind, snippets; all within the visitor's rights."""
        results = Results(query=text, kind=kind, page=page)
        pairs = self._parse(text)
        if not pairs:
            return results
        try:
            self._catch_up()
        except Exception:
            log.exception("search: catching up failed")
        searcher = self._searcher()
        if searcher is None:
            self._start_rebuild_if_needed()
            results.rebuilding = True
            return results
        try:
            return self._search(searcher, results, pairs, member=member, kind=kind, page=page,
                                page_size=page_size)
        except Exception:
            log.exception("search: query failed")
            self._local.searcher = None
            if not self.healthy():
                self._start_rebuild_if_needed()
                results.rebuilding = True
                return results
            raise

    def _start_rebuild_if_needed(self) -> None:
        if self.sync:
            self.rebuild(only_if_broken=True)
        else:
            self.rebuild_in_background()

    def _fields(self, member: bool) -> tuple[str, ...]:
        return ("title", "tags", "body", "private_body") if member else ("title", "tags", "body")

    def _match(self, searcher, pairs, member: bool, kind: str | None = None) -> _Matches | None:
        """Try exact words, then typo-tolerant, then any word; None when nothing matches
        (with `kind`: nothing of that kind, so a page having every word does not leave the
        directory without the places having most of them)."""
        fields = self._fields(member)
        scorer = _Scorer(searcher, fields)
        segments = self._segments(searcher)
        today = time.strftime("%Y-%m-%d")
        for fuzzy, any_word in ((False, False), (True, False), (True, True)):
            if any_word and len(pairs) < 2:
                break
            tree, marks, fuzzed = self._build(pairs, fields, searcher, fuzzy=fuzzy, any_word=any_word)
            if tree is None or (fuzzy and not fuzzed and not any_word):
                continue
            parts = []
            for seg, offset, live, reader in segments:
                mask, scores = scorer.evaluate(tree, seg, reader)
                mask &= live
                if not member:
                    mask &= seg.public
                scores *= seg.priors(reader, today)
                parts.append((seg, reader, offset, mask, scores))
            if any((mask if kind is None else mask & seg.kinds.get(kind, False)).any()
                   for seg, _reader, _offset, mask, _scores in parts):
                return _Matches(parts, marks, fuzzed, any_word)
        return None

    def _search(self, searcher, results: Results, pairs, *, member, kind, page, page_size):
        matches = self._match(searcher, pairs, member)
        kinds = set()
        for seg, _offset, _live, _reader in self._segments(searcher):
            kinds.update(seg.kinds)
        results.counts = dict.fromkeys(sorted(kinds), 0)
        if matches is None:
            results.pages = 1
            return results
        results.counts = matches.counts(sorted(kinds))
        results.total = sum(results.counts.values()) if kind is None else results.counts.get(kind, 0)
        results.pages = max(1, -(-results.total // page_size))
        results.approximate, results.partial = bool(matches.fuzzed), matches.partial
        if page > results.pages:
            return results
        ranked = matches.ranked(kind, limit=page * page_size)
        is_hit = _hit_test(matches.marks)
        for _seg, reader, local, score in ranked[(page - 1) * page_size: page * page_size]:
            stored = reader.stored_fields(local)
            body = stored.get("body", "")
            if member and stored.get("private_body"):
                body = body + "\n" + stored["private_body"]
            results.hits.append(Hit(
                kind=stored["kind"], key=stored["key"], title=stored["title"], url=stored["url"],
                title_parts=highlight(stored["title"], is_hit),
                snippet=make_snippet(body, is_hit, prefixes=matches.marks),
                extra=stored.get("extra") or {}, public=stored.get("public") == "1",
                score=float(score),
            ))
        if matches.fuzzed:
            results.suggestion = self._suggest(pairs, matches.fuzzed, results.hits)
        return results

    def _suggest(self, pairs, fuzzed, hits) -> str | None:
        """« Vouliez-vous dire » from words of the results the visitor may see (never others)."""
        texts = [h.title + " " + "".join(p for p, _ in h.snippet) for h in hits[:10]]
        words = []
        changed = False
        for word, _term in pairs:
            candidates = fuzzed.get(word)
            replacement = None
            if candidates:
                wanted = set(candidates)
                seen = {m.group().lower() for text in texts for m in WORD.finditer(text)
                        if normalize_word(m.group()) in wanted}
                if seen:  # the visible word closest to what was typed
                    replacement = min(seen, key=lambda w: (edit_distance(fold(w), fold(word)), w))
            if replacement and fold(replacement) != fold(word):
                changed = True
            words.append(replacement or word)
        return " ".join(words) if changed else None

    def search_ids(self, kind: str, text: str, *, member: bool) -> list[str]:
        """Keys of the matching documents of one kind, most relevant first."""
        pairs = self._parse(text)
        if not pairs:
            return []
        with contextlib.suppress(Exception):
            self._catch_up()
        searcher = self._searcher()
        if searcher is None:
            self._start_rebuild_if_needed()
            return []
        matches = self._match(searcher, pairs, member, kind)
        if matches is None:
            return []
        return [seg.keys(reader, kind)[local] for seg, reader, local, _score in matches.ranked(kind, limit=None)]

    def suggest_names(self, text: str, *, member: bool, kind: str = "structures",
                      limit: int = 8) -> list[dict]:
        """Titles of one kind starting with (or containing) what is typed, for suggestions."""
        wanted = " ".join(fold(text).split())
        if len(wanted) < 2:
            return []
        with contextlib.suppress(Exception):
            self._catch_up()
        searcher = self._searcher()
        if searcher is None:
            return []
        ranked = []
        for seg, _offset, live, reader in self._segments(searcher):
            for local, folded, title, url in seg.names(reader, kind):
                if not live[local] or not (member or seg.public[local]):
                    continue
                if folded.startswith(wanted):
                    rank = 0
                elif f" {wanted}" in f" {folded}":
                    rank = 1
                elif wanted in folded:
                    rank = 2
                else:
                    continue
                ranked.append((rank, folded, title, {"title": title, "url": url}))
        ranked.sort(key=lambda r: (r[0], r[1], r[2]))
        return [r[3] for r in ranked[:limit]]

    def stats(self) -> dict:
        """Document count and size on disk of the live index."""
        pointer = self._pointer()
        ix = self._open()
        if pointer is None or ix is None:
            return {"documents": 0, "bytes": 0}
        folder = self.root / pointer["dir"]
        size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
        return {"documents": ix.doc_count(), "bytes": size}


def _hit_test(marks: set[str]) -> Callable[[str], bool]:
    def is_hit(word: str) -> bool:
        return normalize_word(word) in marks

    return is_hit
