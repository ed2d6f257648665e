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


def file_kind(path: Path) -> str:
    """``pdf``, ``docx`` or ``doc``, by content first (a Word file saved as .pdf is still Word)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return "pdf"  # sniff() reports why it cannot be read
    if head.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
    if head.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() == ".doc":
        return "doc"
    return "pdf"


def sniff(path: Path) -> None:
    """Raise :class:`InputError` unless the bytes look like a complete PDF."""
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
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            raise InputError(
                f"The file is {kind}, not a PDF, although it is named .pdf: "
                "get the real PDF (or convert the file to PDF) and ingest that."
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
