"""Check an input file before extraction and explain, in a sentence a person can act on, what is wrong."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from extractors.settings import Limits

log = logging.getLogger(__name__)


class InputError(Exception):
    """The file cannot be read as a plan; the message says what to do about it."""


@dataclass
class Integrity:
    """What the structural check found in a file that opens."""

    pages: int
    problems: list[str] = field(default_factory=list)


_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a .docx or .xlsx file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (perhaps a .doc)"),
    (b"{\\rtf", "an RTF document"),
]


def input_failures() -> tuple[type[Exception], ...]:
    """What the PDF and Word libraries raise on a malformed file: the file's fault, not kehoach's."""
    import zipfile

    import pypdfium2
    from docx.opc.exceptions import OpcError
    from lxml.etree import XMLSyntaxError
    from pdfminer.psexceptions import PSException

    return (pypdfium2.PdfiumError, PSException, zipfile.BadZipFile, OpcError, XMLSyntaxError)


def sniff(path: Path) -> str:
    """The file's kind — ``pdf``, ``docx`` or ``doc`` — from its bytes (a Word file named .pdf is still
    Word); raises :class:`InputError` unless they look like a complete file of that kind."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as exc:
        raise InputError(f"The file cannot be read ({exc.strerror}): check that it exists and is readable.") from exc
    if size == 0:
        raise InputError("The file is empty (0 bytes): the download or copy failed; fetch the document again.")
    if head.startswith(b"PK\x03\x04") and _is_docx(path):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() == ".doc":
        return "doc"
    named = "named .pdf" if path.suffix.lower() == ".pdf" else f"named {path.suffix or 'without an extension'}"
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            raise InputError(
                f"The file is {kind}, not a PDF or Word document, although it is {named}: "
                "get the real document (or convert the file to PDF) and ingest that."
            )
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        raise InputError(
            "The file is an HTML web page saved with a .pdf name (usually an error or login page "
            "from the download site): open the link in a browser and save the actual PDF."
        )
    if b"%PDF-" not in head:
        raise InputError("The file does not start like a PDF (no %PDF- header): it is not a PDF or is badly damaged.")
    if b"%%EOF" not in tail:
        raise InputError(
            "The PDF is truncated (its end-of-file marker is missing): the download or copy was cut "
            "short; fetch the complete file again."
        )
    return "pdf"


def _is_docx(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def check_structure(path: Path) -> Integrity:
    """Open with qpdf (via pikepdf) and list syntax damage; raise for files that cannot open."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            problems = [p.split(": ", 1)[-1] for p in pdf.check_pdf_syntax()]
            return Integrity(pages=len(pdf.pages), problems=problems)
    except pikepdf.PasswordError as exc:
        raise InputError(
            "The PDF is password-protected: ask the publisher for an unprotected copy, or remove the "
            "password yourself (qpdf --decrypt --password=PASSWORD in.pdf out.pdf) and ingest that."
        ) from exc
    except pikepdf.PdfError as exc:
        raise InputError(f"The PDF is damaged and cannot be opened ({_short(exc)}): get an intact copy.") from exc


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def check_limits(path: Path, limits: Limits) -> None:
    """Refuse, before any page is read, a file beyond the resource limits (:class:`Limits`); the
    message says which limit was hit and how to raise it. Cheap: reads sizes, not contents."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return  # sniff says why
    if head.startswith(b"PK\x03\x04"):
        _check_docx(path, limits)
    elif b"%PDF" in head:
        _check_pdf(path, limits)


def _check_docx(path: Path, limits: Limits) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            size = sum(i.file_size for i in z.infolist())
            if limits.max_docx_mb and size > limits.max_docx_mb * 1024 * 1024:
                raise InputError(
                    f"The Word file unpacks to {size / 2**20:.0f} MB, more than the limit of {limits.max_docx_mb} MB "
                    f"(a ZIP bomb, or a huge document): {Limits.hint('max_docx_mb', limits.max_docx_mb)}."
                )
            if limits.max_docx_paragraphs and "word/document.xml" in z.namelist():
                n, tail = 0, b""
                with z.open("word/document.xml") as fh:
                    while block := fh.read(1 << 20):
                        chunk = tail + block
                        n += chunk.count(b"<w:p>") + chunk.count(b"<w:p ")
                        tail = chunk[-5:]
                        n -= tail.count(b"<w:p>") + tail.count(b"<w:p ")  # counted again with the next block
                        if n > limits.max_docx_paragraphs:
                            raise InputError(
                                f"The Word file has more than {limits.max_docx_paragraphs} paragraphs: "
                                f"{Limits.hint('max_docx_paragraphs', limits.max_docx_paragraphs)}."
                            )
    except zipfile.BadZipFile:
        return  # sniff and the reader say what is wrong


def _check_pdf(path: Path, limits: Limits) -> None:
    """Refuse a PDF with a stream that inflates beyond ``max_stream_mb`` (a compression bomb), or none
    of whose pages is within the limits (a longer one is read in part)."""
    cap = limits.max_stream_mb * 1024 * 1024
    if cap and (over := _stream_over(path, cap)) is not None:
        raise InputError(
            f"The PDF holds a compressed stream (object {over}) that unpacks to more than {limits.max_stream_mb} MB "
            f"(max_stream_mb; a compression bomb, or a huge image): "
            f"{Limits.hint('max_stream_mb', limits.max_stream_mb)}."
        )
    selection = pdf_pages_within_limits(path, limits)
    if selection.keep == []:
        raise InputError("No page of the PDF is within the limits. " + " ".join(selection.notes))


def _stream_over(path: Path, cap: int) -> int | None:
    """The number of the first Flate stream whose data inflates beyond ``cap`` bytes, None when none does:
    inflated a megabyte at a time and counted, never held (a 2 KB bomb unpacks to gigabytes)."""
    import zlib

    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if not isinstance(obj, pikepdf.Stream) or not _flate_first(obj.get("/Filter")):
                    continue
                inflater, data, size = zlib.decompressobj(), obj.read_raw_bytes(), 0
                try:
                    while data and size <= cap:
                        size += len(inflater.decompress(data, 1 << 20))
                        data = inflater.unconsumed_tail
                except zlib.error:
                    continue  # damaged data: the reader says what it can read
                if size > cap:
                    return int(obj.objgen[0])
    except (pikepdf.PdfError, pikepdf.PasswordError):
        return None  # check_structure says why (a password, damage)
    return None


def _flate_first(filters: object) -> bool:
    import pikepdf

    first = filters[0] if isinstance(filters, pikepdf.Array) and len(filters) else filters
    return str(first) == "/FlateDecode"


@dataclass
class PageSelection:
    """The pages of a PDF to read under the limits, and why the others are not read."""

    total: int  # pages in the file
    keep: list[int] | None  # 1-based page numbers to read; None: all of them
    notes: list[str] = field(default_factory=list)  # one message per limit that left pages out


def _page_ranges(pages: list[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``"pages 3–5, 9"``."""
    runs: list[list[int]] = []
    for p in pages:
        if runs and runs[-1][1] == p - 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)
    return ("page " if len(pages) == 1 else "pages ") + text


def pdf_pages_within_limits(path: Path, limits: Limits) -> PageSelection:
    """Which pages of a PDF are read: the first ``max_pages``, less those larger than ``max_render_pixels``.

    The pages beyond a limit are not read but recorded: each note names them, the limit and how to
    raise it (the document's status is then ``partial``). Cheap: reads page sizes, not contents.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return PageSelection(0, None)  # the structure check and the reader say what is wrong
    try:
        total = len(pdf)
        keep = list(range(1, total + 1))
        notes: list[str] = []
        if limits.max_pages and total > limits.max_pages:
            keep = keep[: limits.max_pages]
            notes.append(
                f"{_page_ranges(list(range(limits.max_pages + 1, total + 1))).capitalize()} "
                f"{'was' if total == limits.max_pages + 1 else 'were'} not read: the PDF "
                f"has {total} pages, more than the limit of {limits.max_pages} (max_pages): "
                f"{Limits.hint('max_pages', limits.max_pages)}, or split the file."
            )
        if limits.max_render_pixels:
            big: list[tuple[int, float, float, float]] = []
            for n in keep:
                w, h = pdf.get_page_size(n - 1)
                pixels = (w * 300 / 72) * (h * 300 / 72)
                if pixels > limits.max_render_pixels:
                    big.append((n, w, h, pixels))
            if big:
                n, w, h, pixels = big[0]
                skipped = {b[0] for b in big}
                keep = [p for p in keep if p not in skipped]
                notes.append(
                    f"{_page_ranges(sorted(skipped)).capitalize()} {'was' if len(big) == 1 else 'were'} not read: "
                    f"page {n} is {w:.0f} × {h:.0f} pt, an image of it at 300 dpi would have {pixels / 1e6:.0f} M "
                    f"pixels, more than the limit of {limits.max_render_pixels / 1e6:g} M (max_render_pixels; "
                    f"a malformed or hostile file?): {Limits.hint('max_render_pixels', limits.max_render_pixels)}."
                )
    finally:
        pdf.close()
    return PageSelection(total, None if len(keep) == total else keep, notes)
