"""OCR noise in short labels: what Tesseract makes of "TT", roman numerals and "(1) (2)" rows.

:func:`fuzzy_label` maps a short OCR'd label to the form the layout rules expect, for the
header/section code to call on OCR pages (pure: no I/O, no state).
"""

from __future__ import annotations

import re

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
