"""Plain-text helpers of the search package (no Whoosh, no Flask): Markdown stripping,
date expansion, accent folding, the synonym file and snippets with highlight marks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from i18n import N_

# ---------------------------------------------------------------- folding

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'"})


def fold(text: str) -> str:
    """Lower case without accents: « Hébergé Œuvre » -> « heberge oeuvre »."""
    text = text.lower().translate(_LIGATURES)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# French stop words (folded), elided articles included (l', d', qu'...).
_STOP_TEXT = """
a à au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se
ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y été être est sont ai
as avons avez ont suis es sera ceci cela ça si
"""
STOP_WORDS = frozenset(fold(w) for w in _STOP_TEXT.split())

WORD = re.compile(r"\w+")

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word: str) -> set[str]:
    """Every string one edit away from a (folded) word: deletion, transposition, change, insertion."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.discard(word)
    return out


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance of two short words."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


# ---------------------------------------------------------------- Markdown -> text

_FENCE = re.compile(r"^(```|~~~).*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_WIKILINK = re.compile(r"\[\[([^\]|\n]*)(?:\|([^\]\n]*))?\]\]")
_TAG = re.compile(r"</?[A-Za-z][^>]{0,200}>")
_URL = re.compile(r"https?://\S+")
_MARKS = re.compile(r"[#*_>`|~\[\]]+|^\s*[-+]\s+\[[ xX]\]|^\s*[-+]\s", re.M)
_SPACES = re.compile(r"[ \t]+")


def plain_text(markdown: str) -> str:
    """Cheap Markdown -> plain text for indexing (no HTML rendering)."""
    text = _FENCE.sub(" ", markdown)
    text = _IMAGE.sub(r"\1", text)
    text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _MARKS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


# ---------------------------------------------------------------- dates

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
_ISO_DATE = re.compile(r"\b(20\d\d|19\d\d)-(0[1-9]|1[0-2])(?:-(\d\d))?\b")
_FR_DATE = re.compile(r"\b(\d{1,2})[/.](0?[1-9]|1[0-2])[/.](20\d\d)\b")


def expand_dates(text: str) -> str:
    """Month names for the numeric dates of a text (« 2026-03-10 » also gives « mars 2026 »).

    Meeting minutes are named by date; people search « compte rendu mars ».
    """
    words = [f"{MONTHS[int(m.group(2)) - 1]} {m.group(1)}" for m in _ISO_DATE.finditer(text)]
    words += [f"{MONTHS[int(m.group(2)) - 1]} {m.group(3)}" for m in _FR_DATE.finditer(text)]
    return " ".join(words)


# ---------------------------------------------------------------- synonyms

DEFAULT_SYNONYMS = """\
# Synonymes de la recherche : « mot -> autre mot, autre expression ».
# Chercher le mot de gauche cherche aussi ceux de droite (pluriels et accents compris).
# Une ligne par mot ; les lignes qui commencent par # sont des commentaires.
douche -> hygiène, se laver, bain-douche
laver -> hygiène, douche, laverie
hygiène -> douche, se laver
manger -> repas, alimentation, restaurant social, colis alimentaire
repas -> manger, alimentation
nourriture -> repas, alimentation, colis alimentaire
dormir -> hébergement, logement, abri, 115
hébergement -> logement, abri, 115
logement -> hébergement
sdf -> sans abri, sans domicile, rue
coiffeur -> coiffure, cheveux
prison -> détention, incarcération, justice, SPIP
alcool -> addiction, alcoolisme
drogue -> addiction, toxicomanie
médecin -> soins, santé
soigner -> soins, santé
vêtements -> habits, vestiaire
habits -> vêtements, vestiaire
papiers -> démarches administratives, accès aux droits
cr -> compte rendu
week-end -> samedi, dimanche
weekend -> week-end, samedi, dimanche
"""

_SYNONYM_LINE = re.compile(r"^\s*([^#\s][^>]*?)\s*->\s*(.+?)\s*$")


@dataclass(frozen=True)
class SynonymError:
    """A line of the synonym file that could not be read."""

    line: int
    text: str
    message: str


def parse_synonyms(text: str) -> tuple[dict[str, list[str]], list[SynonymError]]:
    """Read « mot -> a, b » lines: {folded word: [expressions]}, and the bad lines."""
    out: dict[str, list[str]] = {}
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _SYNONYM_LINE.match(line)
        if not match:
            errors.append(SynonymError(number, line[:80], N_("il manque « -> » entre le mot et ses synonymes")))
            continue
        word = match.group(1).strip()
        targets = [t.strip() for t in match.group(2).split(",") if t.strip()]
        if not targets:
            errors.append(SynonymError(number, line[:80], N_("aucun synonyme après « -> »")))
            continue
        if len(word) > 60 or any(len(t) > 60 for t in targets):
            errors.append(SynonymError(number, line[:80], N_("mot ou expression trop long (60 caractères au plus)")))
            continue
        out.setdefault(word, []).extend(targets)
    return out, errors


# ---------------------------------------------------------------- snippets

Snippet = list[tuple[str, bool]]  # (text, highlighted) parts; the template escapes every part


def highlight(text: str, is_hit: Callable[[str], bool]) -> Snippet:
    """A short text (a title) cut into parts, the matching words marked."""
    parts: Snippet = []
    last = 0
    for m in WORD.finditer(text):
        if is_hit(m.group()):
            if m.start() > last:
                parts.append((text[last:m.start()], False))
            parts.append((m.group(), True))
            last = m.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


_ACCENTED = {"a": "aàâäáã", "c": "cç", "e": "eéèêë", "i": "iíìîï", "n": "nñ", "o": "oóòôöõ",
             "u": "uúùûü", "y": "yýÿ"}


@lru_cache(maxsize=256)
def _prefix_pattern(prefixes: frozenset[str]) -> re.Pattern:
    """A regex finding words that start with one of the folded prefixes, accents or not."""
    def chars(prefix: str) -> str:
        return "".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in prefix)

    alternatives = "|".join(chars(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def make_snippet(text: str, is_hit: Callable[[str], bool], width: int = 240,
                 scan: int = 200_000, prefixes: Iterable[str] | None = None) -> Snippet:
    """The passage of text around the best cluster of matching words, words marked.

    Only the first `scan` characters are read, so a huge page stays cheap. With
    `prefixes` (the folded beginnings the matching words must have: index terms),
    only candidate words are tested, which is much faster on long texts.
    """
    text = text[:scan]
    words = _prefix_pattern(frozenset(prefixes)).finditer(text) if prefixes else WORD.finditer(text)
    hits = [(m.start(), m.end(), m.group()) for m in words if m and is_hit(m.group())]
    if not hits:
        end = text.rfind(" ", 0, width) if len(text) > width else len(text)
        end = end if end > 0 else min(width, len(text))
        return [(text[:end] + (" …" if end < len(text) else ""), False)]
    best_start, best_score = hits[0][0], -1
    end_i = 0
    for i, (start, _end, _word) in enumerate(hits[:500]):  # window opening at each hit
        end_i = max(end_i, i)
        while end_i + 1 < len(hits) and hits[end_i + 1][1] <= start + width * 3 // 4:
            end_i += 1
        window = hits[i:end_i + 1]
        score = len({fold(w) for _s, _e, w in window}) * 100 + len(window)
        if score > best_score:
            best_score, best_start = score, start
    start = max(0, best_start - width // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    passage = text[start:end]
    parts = highlight(passage, is_hit)
    if start:
        parts.insert(0, ("… ", False))
    if end < len(text):
        parts.append((" …", False))
    return parts
