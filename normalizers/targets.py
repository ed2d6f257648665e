"""Quantified targets: "100% văn bản QPPL … được rà soát", "đạt tối thiểu 90%", "Cấp tỉnh: 50%, …".

A percentage's subject is on whichever side carries the words: after it when the
percentage opens a noun phrase ("100% hồ sơ TTHC …"), before it when it closes a
predicate ("Mức độ hài lòng … đạt tối thiểu 90%"). A list of "scope: N%" items gives
one target per scope. The subject's head noun comes from underthesea's POS tagger
(offline, model shipped in the wheel); its re-spaced output is never stored.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from normalizers.bullets import BULLET_MARK, starts_bullet
from normalizers.text import fold, fold_chars, nfc

log = logging.getLogger(__name__)


@dataclass
class Target:
    percent: float
    subject: str | None
    scope: str | None
    comparator: str  # "=", ">=", ">", "<=", "<"
    raw: str  # the clause the target is stated in
    subject_head: str | None = None  # head noun of the subject ("văn bản", "hồ sơ")


_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{1,2})?)\s*%")
_SCOPED = re.compile(r"(?P<scope>[^\s:;,.()][^:;,()]{0,40}?)\s*:\s*(?P<n>\d{1,3}(?:[.,]\d{1,2})?)\s*%")
_NUMBERING = re.compile(rf"^\s*(?:{BULLET_MARK}\s*|\d+(?:\.\d+)*\.\s+(?!%)|[a-zđ]\)\s*)+")  # "1.3. ", "a) ", "- "
_LEAD_IN = re.compile(
    r"^(?:phấn đấu|hoàn thành|đảm bảo|bảo đảm|trong đó,?|ít nhất|tối thiểu|trên|đạt)\s+", re.IGNORECASE
)
_BEFORE_CMP = [
    (re.compile(r"(?:tối thiểu|ít nhất|từ)\s*$", re.IGNORECASE), ">="),
    (re.compile(r"(?:trên|hơn)\s*$", re.IGNORECASE), ">"),
    (re.compile(r"(?:tối đa|không quá)\s*$", re.IGNORECASE), "<="),
    (re.compile(r"dưới\s*$", re.IGNORECASE), "<"),
]
_AFTER_UP = re.compile(r"^\s*trở lên", re.IGNORECASE)
# Both are removed from a text's end. A match never starts inside a run of the spaces (or commas) it
# opens with (it would also match from the run's start), hence the look-behind; no later part can
# use the spaces an earlier one took (each is followed by a letter or the end), hence the possessive
# ``*+``: with both, each position is tried once and a run of spaces costs its length, not its cube.
_VERB_BEFORE = re.compile(
    r"(?<!\s)\s*+(?:phấn đấu\s++)?(?:đạt|chiếm|phủ|giảm|tăng)?\s*+"
    r"(?:tối thiểu|ít nhất|từ|trên|hơn|tối đa|không quá|dưới)?\s*+$",
    re.IGNORECASE,
)
_TAIL_CMP = re.compile(
    r"(?<![\s,])[\s,]*+(?:\b(?:và|hoặc)\s*+)?(?:\b(?:trên|tối thiểu|ít nhất|từ|hơn|dưới|tối đa|không quá))?\s*+$"
)
_LEVEL_SCOPE = re.compile(r"\btại\s+(cấp (?:tỉnh|huyện|xã)(?:\s*(?:,|và)\s*cấp (?:tỉnh|huyện|xã))*)", re.IGNORECASE)


def _clauses(text: str) -> list[str]:
    """Sentences and ``;`` parts; a parenthesis stating its own percentage is a clause of its own."""
    text = re.sub(r"[ \t]+", " ", nfc(text or ""))
    inner = [m.group(1) for m in re.finditer(r"\(([^()]*%[^()]*)\)", text)]
    text = re.sub(r"\([^()]*%[^()]*\)", " ", text).replace("\n", " ; ")
    parts = re.split(r";|\.\s+(?=[A-ZĐÀ-Ỹ])", text) + inner
    out = []
    for p in parts:
        p = _NUMBERING.sub("", p.strip()).strip(" .,")
        if p:
            out.append(p)
    return out


def _comparator(before: str, after: str) -> str:
    if _AFTER_UP.match(after):
        return ">="
    for rx, cmp in _BEFORE_CMP:
        if rx.search(before):
            return cmp
    return "="


def _value(s: str) -> float:
    return float(s.replace(",", "."))


def find_targets(text: str | None) -> list[Target]:
    """Every percentage target stated in ``text``, in order; never raises."""
    out: list[Target] = []
    for clause in _clauses(text or ""):
        scoped = list(_SCOPED.finditer(clause))
        if len(scoped) >= 2:
            lead = clause[: scoped[0].start()].strip(" ,:")
            for m in scoped:
                out.append(Target(_value(m.group("n")), lead or None, m.group("scope").strip(), "=", clause))
            continue
        percents = list(_PERCENT.finditer(clause))
        for i, m in enumerate(percents):
            out.append(_target(clause, m, percents[i + 1].start() if i + 1 < len(percents) else len(clause)))
    for t in out:
        t.subject_head = subject_head(t.subject)
    return out


def _target(clause: str, m: re.Match[str], next_start: int) -> Target:
    before, after = clause[: m.start()], clause[m.end() : next_start]
    after_words = _AFTER_UP.sub("", after).strip(" ,")
    cmp = _comparator(before, after)
    if after_words and not re.match(r"^(?:và|hoặc|,)?\s*$", after_words):
        subject = _TAIL_CMP.sub("", after_words)
        if re.match(r"^(?:trở lên|\W)", subject) or not _opens_noun_phrase(subject):
            subject = ""  # "100% kịp thời, đúng quy định": the words after say how, not what
    else:
        subject = ""
    if not subject:
        head = _VERB_BEFORE.sub("", before).strip(" ,:")
        subject = _LEAD_IN.sub("", head).strip()
    subject = subject.strip(" ,:;")
    scope = None
    if subject:
        sm = _LEVEL_SCOPE.search(subject)
        scope = sm.group(1) if sm else None
    return Target(_value(m.group(1)), subject or None, scope, cmp, clause)


#: the most characters given to the POS tagger at once (its tokenizer is superlinear in a word's length)
_TAG_CHARS = 200


@lru_cache(maxsize=4096)
def subject_head(subject: str | None) -> str | None:
    """Head noun of a subject ("các hồ sơ TTHC tiếp nhận …" -> "hồ sơ"), or None."""
    if not subject:
        return None
    tagger = _tagger()
    if tagger is None:
        return None
    try:
        tags = tagger(subject[:_TAG_CHARS])
    except Exception:  # the tagger is an aid; a failure must not lose the target
        log.debug("pos_tag failed on %r", subject, exc_info=True)
        return None
    skip = {"tỷ lệ", "số", "tổng số", "số lượng", "các", "những"}
    nouns = [w for w, tag in tags if tag in ("N", "Np", "Ny") and w.lower() not in skip]
    nouns += [w for w, tag in tags if tag == "Nc"]  # classifiers ("cuộc") only when nothing better
    for word in nouns:
        # the tagger re-spaces text: return the head as printed in the subject, never its output
        i = fold_chars(subject).find(fold_chars(word))
        if i >= 0:
            return subject[i : i + len(word)]
    return None


def _opens_noun_phrase(text: str) -> bool:
    tagger = _tagger()
    if tagger is None:
        return True
    try:
        tags = tagger(" ".join(text.split()[:6])[:_TAG_CHARS])
    except Exception:
        return True
    return not tags or tags[0][1] not in ("A", "R", "C", "CH")


@lru_cache(maxsize=1)
def _tagger():
    try:
        from underthesea import pos_tag
    except Exception:  # optional at import time: targets still come out, without heads
        log.warning("underthesea is not importable; target subject heads are left empty")
        return None
    return pos_tag


_HEADING = re.compile(r"^\s*(?:(?P<roman>[IVXL]+)|(?P<num>\d+(?:\.\d+)*)|(?P<letter>[a-zđ]))[.)]\s+\S")


def target_sections(lines: list[str]) -> list[tuple[str, str]]:
    """The body's "Chỉ tiêu"/"Mục tiêu" parts as ``(heading path, text)``.

    The heading path joins the enclosing headings ("2. Cải cách thể chế > a) Chỉ tiêu"), so a
    target can be placed in its reform area.
    """
    stack: dict[int, str] = {}
    parts: list[tuple[str, list[str]]] = []
    inside = False
    for line in lines:
        m = _HEADING.match(line)
        if m and len(line) < 120 and not line.rstrip().endswith((",", ";")) and _looks_like_heading(line):
            level = 1 if m.group("roman") else 2 if m.group("num") else 3
            stack = {k: v for k, v in stack.items() if k < level}
            stack[level] = line.strip()
            inside = any(re.search(r"\b(chi tieu|muc tieu)\b", fold(h)) for h in stack.values())
            if inside:
                parts.append((" > ".join(stack[k] for k in sorted(stack)), []))
            continue
        if inside:
            parts[-1][1].append(line)
    return [(heading, _paragraphs(body)) for heading, body in parts if body]


def target_parts(lines: list[str]) -> list[str]:
    """The text of the body's "Chỉ tiêu"/"Mục tiêu" parts (see :func:`target_sections`)."""
    return [text for _, text in target_sections(lines)]


def _paragraphs(lines: list[str]) -> str:
    """Wrapped lines joined with spaces; a bullet starts a new line."""
    out: list[str] = []
    for line in lines:
        if not out or starts_bullet(line):
            out.append(line.strip())
        else:
            out[-1] += " " + line.strip()
    return "\n".join(out)


def _looks_like_heading(line: str) -> bool:
    """A short numbered title, not a numbered sentence that wraps."""
    m = _HEADING.match(line)
    body = line[m.end() - 1 :] if m else line
    return (len(body.split()) <= 14 and not body.rstrip().endswith(".")) or body.isupper()
