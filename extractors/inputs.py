"""Check an input file before extraction and explain, in a sentence a person can act on, what is wrong."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

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
