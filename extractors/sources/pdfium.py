"""Characters and ruling edges of a page, read with PDFium (C++) instead of pdfminer (Python).

The dictionaries have the keys pdfplumber's own objects have (``x0``, ``x1``, ``top``,
``bottom``, ``text``, ``fontname``, ``size``, …; edges ``orientation`` ``h``/``v``), so the
same word, line and table-finding code runs on either. Coordinates are pdfplumber's:
points from the top-left corner of the page's media box.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.model import PageContent

#: PDFium replaces a hyphen that ends a line by U+FFFE (U+0002 in its raw API); the PDF prints "-".
_HYPHEN_MARKS = {"\ufffe", "\x02"}
_SKIP = {"\r", "\n", "\uffff", "\x00"}


def _font_info(textpage: Any, index: int, buf: ctypes.Array, flags: ctypes.c_int) -> str:
    n = pdfium_c.FPDFText_GetFontInfo(textpage, index, buf, len(buf), ctypes.byref(flags))
    return buf.raw[: max(n - 1, 0)].decode("utf-8", "replace") if n else ""


def char_count(page: pdfium.PdfPage) -> int:
    """Characters on the page's text layer, counted without reading them."""
    textpage = page.get_textpage()
    try:
        return max(int(pdfium_c.FPDFText_CountChars(textpage.raw)), 0)
    finally:
        textpage.close()


def page_chars(page: pdfium.PdfPage, origin: tuple[float, float]) -> list[dict]:
    """Printed characters (PDFium's generated spaces and line breaks left out).

    ``origin``: the media box's (left, top) in PDF space, which is pdfplumber's (0, 0).
    """
    ox, oy = origin
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        n = pdfium_c.FPDFText_CountChars(raw)
        if n <= 0:
            return []
        text = textpage.get_text_range(0, n, errors="replace")
        buf, flags = ctypes.create_string_buffer(128), ctypes.c_int()
        fonts: dict[int, tuple[str, float, int | None]] = {}  # per text object: font, size, MCID
        out = []
        for i in range(min(n, len(text))):
            ch = text[i]
            if ch in _SKIP or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                continue
            line_end_hyphen = False
            if ch in _HYPHEN_MARKS:
                if pdfium_c.FPDFText_IsHyphen(raw, i) != 1:
                    continue
                ch = "-"
                line_end_hyphen = True
            if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(_RECT)):
                continue
            obj = pdfium_c.FPDFText_GetTextObject(raw, i)
            key = ctypes.cast(obj, ctypes.c_void_p).value or 0
            font = fonts.get(key)
            if font is None:
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj) if obj else -1
                font = fonts[key] = (
                    _font_info(raw, i, buf, flags),
                    pdfium_c.FPDFText_GetFontSize(raw, i),
                    mcid if mcid >= 0 else None,
                )
            x0, x1 = _RECT.left - ox, _RECT.right - ox
            b = oy - _RECT.bottom
            # The loose box's top follows each glyph in some fonts (a comma sits lower than a
            # letter); one em above the descent line, as pdfminer does, keeps a line's chars level.
            t = b - font[1] if font[1] > 0 else oy - _RECT.top
            out.append(
                {
                    "text": ch,
                    "x0": x0,
                    "x1": x1,
                    "top": t,
                    "bottom": b,
                    "doctop": t,
                    "width": x1 - x0,
                    "height": b - t,
                    "upright": True,
                    "fontname": font[0],
                    "size": font[1],
                    "object_type": "char",
                    # PDFium reports "-" and U+00AD (TCVN3's "ư") alike at a line end
                    "line_end_hyphen": line_end_hyphen,
                    "mcid": font[2],  # the marked-content id a tagged PDF's structure tree refers to
                }
            )
        return out
    finally:
        textpage.close()


_RECT = pdfium_c.FS_RECTF()


def _matrix(obj: Any) -> tuple[float, float, float, float, float, float]:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple, outer: tuple) -> tuple:
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _path_segments(obj: Any, m: tuple) -> Iterator[tuple[float, float, float, float]]:
    """Straight segments of a path object, in page space."""
    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    start = prev = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = prev = pt
            continue
        if prev is not None and kind == pdfium_c.FPDF_SEGMENT_LINETO:
            yield (*prev, *pt)
        prev = pt
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None and prev != start:
            yield (*prev, *start)
            prev = start


#: a colour channel this light on a white page is not seen (Word draws white boxes behind text)
_PAPER = 245


def _inked(getter: Any, obj: Any) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return True  # no colour to read: assume it shows
    return a.value > 0 and min(r.value, g.value, b.value) < _PAPER


def _visible(obj: Any) -> bool:
    """Is the path drawn in ink: stroked or filled in a colour that is not the paper's?

    Word and LibreOffice exports are full of white rectangles and white-stroked frames around
    paragraphs; taken as rules, they turn prose into one-column "tables"."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
        return True
    shown = bool(stroke.value) and _inked(pdfium_c.FPDFPageObj_GetStrokeColor, obj)
    return shown or (fill.value != 0 and _inked(pdfium_c.FPDFPageObj_GetFillColor, obj))


def _walk(objs: Any, m_outer: tuple, depth: int = 0) -> Iterator[tuple[float, float, float, float]]:
    for obj in objs:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        m = _compose(_matrix(obj), m_outer)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if _visible(obj):
                yield from _path_segments(obj, m)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            yield from _walk((pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n)), m, depth + 1)


def page_edges(page: pdfium.PdfPage, origin: tuple[float, float], tolerance: float = 0.5) -> list[dict]:
    """Horizontal and vertical ruling segments, as pdfplumber edges (``origin`` as in :func:`page_chars`)."""
    ox, oy = origin
    raw = page.raw
    objs = (pdfium_c.FPDFPage_GetObject(raw, i) for i in range(pdfium_c.FPDFPage_CountObjects(raw)))
    edges = []
    for x0, y0, x1, y1 in _walk(objs, (1.0, 0.0, 0.0, 1.0, -ox, -oy)):
        if abs(y0 - y1) <= tolerance and abs(x1 - x0) > tolerance:
            lo, hi = sorted((x0, x1))
            top = -(y0 + y1) / 2
            edges.append(edge("h", lo, hi, top, top))
        elif abs(x0 - x1) <= tolerance and abs(y1 - y0) > tolerance:
            lo, hi = sorted((-y0, -y1))
            x = (x0 + x1) / 2
            edges.append(edge("v", x, x, lo, hi))
    return edges


def edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
        "object_type": "line",
    }


def page_box(page: pdfium.PdfPage) -> tuple[tuple[float, float], tuple[float, float]]:
    """The media box's (left, top) origin in PDF space and the page's (width, height) in points."""
    left, bottom, right, top = page.get_mediabox()
    return (left, top), (right - left, top - bottom)


class PdfiumSource:
    """The page's own text layer and vector rules, read by PDFium."""

    name = "pdfium"

    def read(self, page: Any) -> PageContent:
        origin, (width, height) = page_box(page.pdfium)
        chars = page_chars(page.pdfium, origin)
        edges = page_edges(page.pdfium, origin)
        return PageContent(page.number, width, height, chars, edges, self.name)

    def close(self) -> None:
        pass
