"""OCR'd Vietnamese syllables with a misread mark, put right by the words they make with their neighbours.

Tesseract's Vietnamese model often reads a syllable with the wrong tone or vowel mark: "tinh giản" comes
out "tỉnh giản", "Trung tâm" "Trung tầm", "Tổ chức" "Tố chức". Vietnamese words are mostly two syllables,
so the neighbours decide: a syllable that makes a dictionary word with neither neighbour, when exactly
one variant of it (the same letters with other marks) makes a word with one of them, is that variant.
A syllable that makes a word as read is never changed, nor one with several candidates.

Two word lists, for two questions: "does the syllable as read make a word?" is asked of a large general
one, underthesea's Viet74K (installed with underthesea, read from its package, no download; every pair
of adjacent syllables in its entries), so that a word it knows is never changed; "does the variant
make one?" of the agency names kehoach knows (normalizers/data), so that a change is made only into
the vocabulary of a plan's units ("Trung tâm", "Tổ chức cán bộ"), where a wrong one is least likely
(measured on the gold texts of the test documents: 66 changes of right text with the general list for
both questions, none with this split).

A second, narrower judgement reaches beyond the agency names ("tỉnh giản" is "tinh giản", "đây đủ" is
"đầy đủ", "triến khai" is "triển khai"): a variant that, with a neighbour, makes a whole two-syllable
entry of underthesea's Viet39K (its commoner words; not a pair cut out of a longer entry, which "cửa
các" and "nằm trên" are), and differs from the syllable as read by one misread mark only — the tone
among those written above the letter (OCR loses or swaps a small mark there), or the vowel's mark with
the tone kept — never a tone moved below the letter ("về" is no "vệ"), nor a capitalised syllable
inside a line (a name: "của Cổng thông tin" is no "của công"). A third, for the mark Tesseract adds
most (a hỏi hook over "i": "tinh gọn" read "tỉnh gọn"): a lower-case syllable with a hỏi is the same
without it when that makes a whole two-syllable entry of Viet74K with a neighbour. Syllables across a
digit are no neighbours ("năm 2023 trên"). Only OCR'd text goes through this: a text layer's
characters are what the author typed.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from normalizers.text import nfc

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)  # a run of letters (a syllable); digits and marks end it
_CLAUSE_BREAK = re.compile(r"[,.;:!?()\[\]/\\\"“”\d-]")  # between two syllables: they are not one word
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_BELOW = "\u0323"  # nặng, the one tone written under the letter
_HOOK = "\u0309"  # hỏi: Tesseract puts a stray one over an "i" ("tinh" read "tỉnh")


@cache  # a few thousand distinct syllables make up the word lists: each keyed once
def _key(syllable: str) -> str:
    """A syllable's identity whatever the tone's placement ("hóa" = "hoá", "ủy" = "uỷ"), lower case."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tones = "".join(c for c in decomposed if c in _TONES)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES)) + tones


@cache
def _skeleton(syllable: str) -> str:
    """The letters without tone or vowel marks ("tầm" -> "tam"); đ stays đ (OCR does not lose its bar)."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class _Lexicon:
    general: frozenset[tuple[str, str]]  # word pairs (keys) of the general list and the agency names
    agency: frozenset[tuple[str, str]]  # word pairs (keys) of the agency names
    spellings: dict[str, dict[str, str]]  # skeleton -> key -> a spelling of the agency names' syllables
    common: frozenset[tuple[str, str]]  # keys of the two-syllable entries of the common word list
    common_spellings: dict[str, dict[str, str]]  # skeleton -> key -> a spelling of its syllables
    whole: frozenset[tuple[str, str]]  # keys of the two-syllable entries of the general word list
    whole_spellings: dict[str, dict[str, str]]


@cache
def _lexicon() -> _Lexicon:
    agency_entries = _agency_entries()
    agency = _pairs(agency_entries)
    general = _pairs(_dictionary_entries()) | agency
    spellings: dict[str, dict[str, str]] = {}
    for entry in agency_entries:
        for syllable in entry.lower().split():
            spellings.setdefault(_skeleton(syllable), {}).setdefault(_key(syllable), syllable)
    common, common_spellings = _two_syllable_words("Viet39K")
    whole, whole_spellings = _two_syllable_words("Viet74K")
    log.debug("OCR word check: %d general, %d agency, %d common word pairs", len(general), len(agency), len(common))
    return _Lexicon(frozenset(general), frozenset(agency), spellings, common, common_spellings, whole, whole_spellings)


def _two_syllable_words(name: str) -> tuple[frozenset[tuple[str, str]], dict[str, dict[str, str]]]:
    """The keys of a word list's two-syllable entries, and the spellings of their syllables by skeleton."""
    words: set[tuple[str, str]] = set()
    spellings: dict[str, dict[str, str]] = {}
    for entry in _dictionary_entries(name):
        syllables = entry.lower().split()
        if len(syllables) == 2 and all(_WORD.fullmatch(x) for x in syllables):
            words.add((_key(syllables[0]), _key(syllables[1])))
            for syllable in syllables:
                spellings.setdefault(_skeleton(syllable), {}).setdefault(_key(syllable), syllable)
    return frozenset(words), spellings


def _pairs(entries: list[str]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for entry in entries:
        keys = [_key(s) for s in _WORD.findall(entry)]
        out.update(zip(keys, keys[1:], strict=False))
    return out


def _dictionary_entries(name: str = "Viet74K") -> list[str]:
    # found without importing underthesea (its import alone takes a second)
    spec = importlib.util.find_spec("underthesea")
    try:
        if spec is None or not spec.submodule_search_locations:
            raise FileNotFoundError("underthesea is not installed")
        path = Path(next(iter(spec.submodule_search_locations))) / "corpus" / "data" / f"{name}.txt"
        text = path.read_text(encoding="utf-8")
    except OSError as exc:  # the check is a bonus, never a need
        log.warning("underthesea's word list is not available (%s): OCR'd marks are checked less", exc)
        return []
    return [nfc(line.strip()) for line in text.splitlines() if " " in line.strip()]


def _agency_entries() -> list[str]:
    from normalizers.units import agency_names

    return [nfc(name) for name in agency_names().values()]


def _cased_like(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _free_neighbour(
    keys: list[str], words: list[str], joined: list[bool], pairs: frozenset, i: int, step: int
) -> str | None:
    """The neighbour of syllable ``i`` on side ``step`` that could make a word with it: in the same
    clause, not already in a word with its own other neighbour (words do not overlap: in "tỉnh thực
    hiện", "thực" belongs to "thực hiện"), and not a capitalised name after a lower-case syllable."""
    j = i + step
    if not 0 <= j < len(keys) or not joined[max(i, j)]:
        return None
    if step > 0 and words[j][:1].isupper() and not words[i][:1].isupper():
        return None  # "tỉnh Sơn La": a name starts; the pair across it is no word
    k = j + step
    if 0 <= k < len(keys) and joined[max(j, k)] and ((keys[k], keys[j]) if step < 0 else (keys[j], keys[k])) in pairs:
        return None
    return keys[j]


def _makes_a_word(keys: list[str], joined: list[bool], pairs: frozenset, i: int) -> bool:
    """Syllable ``i`` as read makes a word with the syllable before or after it in its clause."""
    before = i > 0 and joined[i] and (keys[i - 1], keys[i]) in pairs
    return before or (i + 1 < len(keys) and joined[i + 1] and (keys[i], keys[i + 1]) in pairs)


def _one_mark_apart(read: str, variant: str) -> bool:
    """The keys differ by one misread mark: the tone only, neither of them nặng, or the vowel's mark only."""
    read_base, read_tone = read.rstrip("".join(_TONES)), read[len(read.rstrip("".join(_TONES))) :]
    var_base, var_tone = variant.rstrip("".join(_TONES)), variant[len(variant.rstrip("".join(_TONES))) :]
    if read_base == var_base:
        return _BELOW not in read_tone + var_tone
    return read_tone == var_tone and len(read_base) == len(var_base)


def fix_marks(line: str) -> str:
    """``line`` with each syllable whose marks OCR misread put right (see the module's doc)."""
    lex = _lexicon()
    spans = [(m.start(), m.end()) for m in _WORD.finditer(line)]
    words = [line[s:e] for s, e in spans]
    keys = [_key(w) for w in words]
    joined = [i > 0 and not _CLAUSE_BREAK.search(line[spans[i - 1][1] : spans[i][0]]) for i in range(len(spans))]
    fixed = list(words)
    for i, key in enumerate(keys):
        left = _free_neighbour(keys, words, joined, lex.general, i, -1)
        right = _free_neighbour(keys, words, joined, lex.general, i, 1)
        if left is None and right is None or _makes_a_word(keys, joined, lex.general, i):
            continue
        variants = lex.spellings.get(_skeleton(words[i]), {})
        candidates = {k for k in variants if k != key and ((left, k) in lex.agency or (k, right) in lex.agency)}
        if not candidates and (words[i].islower() or i == 0):  # a capital inside a line starts a name
            variants = lex.common_spellings.get(_skeleton(words[i]), {})
            candidates = {
                k
                for k in variants
                if k != key and _one_mark_apart(key, k) and ((left, k) in lex.common or (k, right) in lex.common)
            }
        if not candidates and words[i].islower() and key.endswith(_HOOK):  # a stray hook: "tỉnh gọn"
            variants = lex.whole_spellings.get(_skeleton(words[i]), {})
            plain = key.rstrip("".join(_TONES))
            candidates = {plain} & {k for k in variants if (left, k) in lex.whole or (k, right) in lex.whole}
        if len(candidates) == 1:
            (best,) = candidates
            keys[i], fixed[i] = best, _cased_like(variants[best], words[i])
    out, pos = [], 0
    for (s, e), word in zip(spans, fixed, strict=True):
        out += [line[pos:s], word]
        pos = e
    return "".join(out) + line[pos:]
