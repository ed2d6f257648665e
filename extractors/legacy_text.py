"""Text layers typed in TCVN3 or VNI fonts, converted to Unicode character by character.

Runs on a page's character dictionaries before anything reads them, so positions are kept:
TCVN3 maps each character; VNI merges a letter and the diacritic character after it into one
character spanning both boxes. Which encoding: the font name first (".VnTime", "VNI-Times"),
else the page's character statistics (embedded subsets often lose the name).
"""

from __future__ import annotations

from normalizers.legacy import VNI_SINGLE, compose_vni, font_encoding, from_tcvn3, guess_encoding, uppercase_font


def decode_legacy(chars: list[dict]) -> tuple[list[dict], str | None]:
    """The page's characters in Unicode, and the legacy encoding found (None: already Unicode)."""
    if not chars:
        return chars, None
    by_font = {c.get("fontname", ""): font_encoding(c.get("fontname")) for c in chars}
    guessed = None if any(by_font.values()) else guess_encoding("".join(c["text"] for c in chars))
    found = {e for e in by_font.values() if e} | ({guessed} if guessed else set())
    if not found:
        return chars, None
    out: list[dict] = []
    for c in chars:
        font = c.get("fontname", "")
        enc = by_font.get(font) or guessed
        if enc == "tcvn3":
            if c.get("line_end_hyphen") and out and out[-1]["text"][-1:].islower():
                c["text"] = "\xad"  # "t-" | "pháp": Vietnamese never hyphenates a word; it is "tư"
            c["text"] = from_tcvn3(c["text"], upper=uppercase_font(font))
            out.append(c)
        elif enc == "vni":
            prev = out[-1] if out else None
            merged = compose_vni(prev["text"], c["text"]) if prev is not None else None
            if prev is not None and merged is not None:
                prev["text"] = merged
                prev["x1"] = max(prev["x1"], c["x1"])
                prev["width"] = prev["x1"] - prev["x0"]
            else:
                c["text"] = VNI_SINGLE.get(c["text"], c["text"])
                out.append(c)
        else:
            out.append(c)
    return out, "/".join(sorted(found))
