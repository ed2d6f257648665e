"""OCR noise in short labels: what Tesseract makes of "TT", roman numerals and "(1) (2)" rows.

:func:`fuzzy_label` maps a short OCR'd label to the form the layout rules expect, for the
header/section code to call on OCR pages (pure: no I/O, no state).
"""

from __future__ import annotations

import re

from extractors.ocr_words import fix_marks

# confusable classes seen on binarised scans: I/l/1/|/H/! for "I", O/0/o for "O"
_ROMAN_CONFUSABLE = str.maketrans({"l": "I", "1": "I", "|": "I", "!": "I", "í": "I", "ì": "I", "H": "II", "U": "II"})
_ROMAN = re.compile(r"^(?=[IVXLC])C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def fuzzy_label(text: str) -> str:
    """``"T T"``/``"TĨ"``/``"Tĩ"`` -> ``"TT"``; ``"HI."``/``"IH"``/``"Il."`` -> ``"III."``/``"III"``;
    ``"( 1 )"`` -> ``"(1)"``. Text that is none of these comes back unchanged."""
    s = " ".join(text.split())
    compact = s.replace(" ", "")
    if re.fullmatch(r"[TŤ][TĨĩŤ]|STT|S[TŤ][TĨĩ]", compact, flags=re.IGNORECASE) and compact.upper() != compact.lower():
        return "STT" if compact.upper().startswith("S") else "TT"
    if re.fullmatch(r"\(\s*\d{1,2}\s*\)", s):
        return "(" + re.sub(r"\D", "", s) + ")"
    m = re.fullmatch(r"([IVXlH1|!U]{1,5})([.)]?)", compact)
    if m and re.search(r"[IVX]", m.group(1)):  # a lone "1" stays a number
        roman = m.group(1).translate(_ROMAN_CONFUSABLE)
        if len(roman) <= 4 and _ROMAN.match(roman):
            return roman + m.group(2)
    return text


#: glyphs a scan blurs into one vertical stroke: "STT" comes out "SIL", "S1T", "ST1"
_STROKES = str.maketrans({c: "i" for c in "tilj1|!íìĩ"})


def stroke_shape(key: str) -> str:
    """A folded label with its one-stroke letters made one: equal shapes are the same short label."""
    return key.replace(" ", "").translate(_STROKES)


_QUARTER = re.compile(r"\b(Quý|quý|QUÝ)(\s+)([IVXlH1|!U]{1,4})(?=\s*[/,.;:)–-]|\s|$)")
_ARABIC_QUARTER = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def _fix_chars(line: str) -> str:
    """The corrections of :func:`fix_ocr_line` but the marks' (those need the words around)."""
    line = re.sub("Đ{2,}", "Đ", line.replace("Ð", "Đ").replace("ð", "đ"))

    def quarter(m: re.Match[str]) -> str:
        token = m.group(3)
        roman = _ARABIC_QUARTER.get(token) or fuzzy_label(token if re.search(r"[IVX]", token) else "I" + token[1:])
        if not re.fullmatch(r"I{1,3}|IV", roman) and "H" in token:  # "IHI": the H two strokes of three, not four
            roman = fuzzy_label(token.replace("H", "I"))
        if not re.fullmatch(r"I{1,3}|IV", roman):
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{roman}"

    return _QUARTER.sub(quarter, line)


def fix_ocr_line(line: str) -> str:
    """Corrections that are certain in an OCR'd line of an administrative plan: a quarter is written
    in roman numerals, so "Quý IH/2022" is "Quý III/2022" and "Quý 1/2022" is "Quý I/2022"; Vietnamese
    has no eth and never two Đ in a row ("QĐÐ-UBND" is "QĐ-UBND"); a syllable whose tone or vowel mark
    was misread, when its neighbours say so (:func:`extractors.ocr_words.fix_marks`: "Trung tầm" is
    "Trung tâm")."""
    return fix_marks(_fix_chars(line))


def fix_ocr_lines(lines: list[str]) -> list[str]:
    """:func:`fix_ocr_line` on a cell's lines, with a word the line before ends in as context (a narrow
    column wraps "Quý" and "IH/2022" onto two lines), and the marks judged across the line breaks: a
    syllable that ends a line makes its word with the one the next line starts with ("tỉnh" / "giản")."""
    out: list[str] = []
    for line in lines:
        context = out[-1].rsplit(" ", 1)[-1] + " " if out else ""
        out.append(_fix_chars(context + line)[len(context) :] if context.strip() else _fix_chars(line))
    if any("\n" in line for line in out):
        return [fix_marks(line) for line in out]
    return fix_marks("\n".join(out)).split("\n")


def section_numeral(text: str) -> str | None:
    """An OCR'd TT cell of a row that reads as a section row (a capitalised title across the row):
    the roman numeral it stands for, strokes included ("1" -> "I", "11" -> "II", "IH" -> "III")."""
    compact = text.replace(" ", "").rstrip(".")
    if re.fullmatch(r"[1l|!I]{1,3}", compact):
        return "I" * len(compact)
    fixed = fuzzy_label(compact)
    return fixed if _ROMAN.match(fixed) else None


#: characters no plan's cell or heading is written with, which Tesseract makes of specks (a seal's or a
#: pen's remnants, noise): carets, backquotes, spacing accents apart from their letter, single guillemets,
#: currency and trademark signs (kept: "~", "=", "<", ">", "@", "#", "%": ranges, targets, e-mail addresses)
_JUNK = str.maketrans({c: None for c in "`^ˆ˜´¨„‚‹›\\{}¬¦£€¥©®™†‡¶"} | {"⁄": "/"})
#: a token of these alone is punctuation of its own ("-", "+" bullets, a dash between two units)
_SYMBOLS_ONLY = re.compile(r"^[^\w/]+$")
#: a symbol-only token read with less confidence than this is a speck, not a bullet or a dash
SPECK_CONFIDENCE = 60.0


def clean_ocr_word(text: str, conf: float) -> str:
    """An OCR'd word without the characters a plan is never written with ("Ngân^" -> "Ngân", "ˆ" ->
    ""), the fraction slash a "/" ("II⁄2024"); a word of punctuation alone read with a low confidence
    (a speck read as "—", "+", ".") comes back empty. Letters and digits are never changed."""
    out = text.translate(_JUNK)
    if out and _SYMBOLS_ONLY.match(out) and 0 <= conf < SPECK_CONFIDENCE:
        return ""
    return out


def clean_ocr_text(text: str, conf: float) -> str:
    """:func:`clean_ocr_word` on each word of a line read as a whole (one confidence for all)."""
    return " ".join(w for w in (clean_ocr_word(t, conf) for t in text.split()) if w)


_LETTERS = re.compile(r"[^\W\d_]+")
_GLUED = re.compile(r"\d([^\W\d_]+)|([^\W\d_]+)\d")


def misread_words(text: str) -> int:
    """How many of a reading's words are no Vietnamese syllable ("qu", "UBNDtinh", "pbèsúp"): runs of
    letters, an abbreviation in capitals ("UBND", "HĐND") or a lone letter apart; and a digit glued to
    two letters or more ("3hô": a speck read as a digit; "2a", "K1" apart)."""
    from extractors.sources.textcheck import is_syllable

    glued = sum(1 for m in _GLUED.finditer(text) if len(m.group(1) or m.group(2)) > 1)
    return glued + sum(
        1 for w in _LETTERS.findall(text) if len(w) > 1 and not (w.isupper() and len(w) <= 6) and not is_syllable(w)
    )


_STROKE_RUN = re.compile(r"I+")
#: a page pass's cell reading at least this confident (Tesseract's mean word confidence) is not
#: replaced by a second reading that is only more confident (the cell retry's threshold)
CONFIDENT = 60.0


def prefer_retry(page: str, page_conf: float | None, retry: str, retry_conf: float) -> bool:
    """Is a cell's second reading (its own crop, one line) better than the page pass's? Both as they will
    be stored (:func:`fix_ocr_lines` applied). One with a quarter of the letters and digits fewer is not
    (a line of the cell dropped); else the one with fewer words that are no syllable wins;
    between two readings that differ only in how many strokes a numeral has ("Quý III" / "Quý II"), the
    one with more (a scan merges strokes, "III" into "II" or "H", it does not make new ones); else the
    more confident, when the page's reading was not confident (one that was, re-read for a misread
    word, is kept unless the second reading has fewer)."""
    if not page.strip():
        return bool(retry.strip())
    if not retry.strip():
        return False
    a, b = " ".join(page.split()), " ".join(retry.split())
    if sum(c.isalnum() for c in b) < 0.75 * sum(c.isalnum() for c in a):
        return False  # a reading that lost words (a line of the cell dropped) is no better
    bad_a, bad_b = misread_words(a), misread_words(b)
    if bad_a != bad_b:
        return bad_b < bad_a
    if a != b and _STROKE_RUN.sub("I", a) == _STROKE_RUN.sub("I", b):
        strokes = [len(m) for m in _STROKE_RUN.findall(a)], [len(m) for m in _STROKE_RUN.findall(b)]
        if len(strokes[0]) == len(strokes[1]):
            return sum(strokes[1]) > sum(strokes[0])
    if page_conf is not None and page_conf >= CONFIDENT:
        return False
    return retry_conf > (page_conf or 0)
