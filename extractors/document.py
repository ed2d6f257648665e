"""The extraction stages of one document: sniff -> check_structure -> read -> assemble -> facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from extractors.assemble import Assembler, assemble, doubtful_pages
from extractors.backends import CamelotBackend, ExtractSettings, get_backend
from extractors.facts import find_facts
from extractors.inputs import InputError, check_structure, file_kind, sniff
from extractors.model import DocumentFacts, RawDocument, TableLayout, TaskRow


@dataclass
class Extraction:
    path: str
    engine: str
    pages: int
    facts: DocumentFacts
    rows: list[TaskRow]
    layouts: list[TableLayout]
    raw: RawDocument
    problems: list[str] = field(default_factory=list)
    cross_checked: list[int] = field(default_factory=list)


def extract(path: str | Path, settings: ExtractSettings | None = None) -> Extraction:
    """Read one PDF; raises :class:`InputError` (with an actionable message) for unusable files."""
    settings = settings or ExtractSettings()
    path = Path(path)
    kind = file_kind(path)
    if kind in ("docx", "doc"):
        return _extract_word(path, kind, settings)
    sniff(path)
    integrity = check_structure(path)
    try:
        raw = get_backend(settings.engine).read(str(path), settings)
    except InputError:
        raise
    except Exception as exc:  # pdfminer/camelot failures on damaged input
        raise InputError(
            f"The PDF could not be parsed ({type(exc).__name__}: {str(exc)[:160]}): it is probably "
            "damaged; get an intact copy or re-save it with a PDF printer."
        ) from exc
    if not any(page.n_chars for page in raw.pages):
        raise InputError(
            "The PDF has no text layer (scanned pages or images only) and Tesseract with Vietnamese data "
            "is not installed to read it: install tesseract-ocr and tesseract-ocr-vie (as the README's "
            "set-up does) and ingest it again, or run `ocrmypdf -l vie in.pdf out.pdf` first."
        )
    asm = assemble(raw)
    cross_checked: list[int] = []
    if settings.cross_check and raw.engine == "pdfplumber":
        asm, cross_checked = _second_opinion(str(path), raw, asm)
    problems = list(integrity.problems)
    if integrity.pages != len(raw.pages):
        problems.insert(0, f"qpdf sees {integrity.pages} pages but the text parser read {len(raw.pages)}")
    return _result(path, raw, asm, problems, cross_checked)


def _result(
    path: Path,
    raw: RawDocument,
    asm: Assembler,
    problems: list[str] | None = None,
    cross_checked: list[int] | None = None,
) -> Extraction:
    return Extraction(
        path=str(path),
        engine=raw.engine,
        pages=len(raw.pages),
        facts=find_facts(raw),
        rows=asm.rows,
        layouts=asm.layouts,
        raw=raw,
        problems=problems or [],
        cross_checked=cross_checked or [],
    )


def _second_opinion(path: str, raw: RawDocument, asm: Assembler) -> tuple[Assembler, list[int]]:
    """Re-read doubtful pages with camelot; keep its grids where they yield more rows."""
    pages = doubtful_pages(raw, asm)
    if not pages:
        return asm, []
    found = CamelotBackend.tables(path, pages, {p.number: p.height for p in raw.pages})
    if not found:
        return asm, []
    saved = {p.number: p.tables for p in raw.pages if p.number in found}
    for page in raw.pages:
        page.tables = found.get(page.number, page.tables)
    retry = assemble(raw)
    if len(retry.rows) > len(asm.rows):
        return retry, sorted(found)
    for page in raw.pages:
        page.tables = saved.get(page.number, page.tables)
    return asm, []


def _extract_word(path: Path, kind: str, settings: ExtractSettings) -> Extraction:
    """Word files: tables read from the XML (no rendering, nothing to cross-check)."""
    import tempfile

    from extractors.docx_reader import DocxBackend, convert_doc

    with tempfile.TemporaryDirectory() as tmp:
        source = convert_doc(path, Path(tmp)) if kind == "doc" else path
        try:
            raw = DocxBackend().read(str(source), settings)
        except Exception as exc:  # python-docx / zip / XML errors on a damaged file
            raise InputError(
                f"The Word file could not be read ({type(exc).__name__}: {str(exc)[:160]}): it is probably "
                "damaged; open and re-save it in Word/LibreOffice, or export it to PDF."
            ) from exc
    raw.path = str(path)
    if not raw.pages[0].n_chars:
        raise InputError("The Word file contains no text: check that it is the right document.")
    return _result(path, raw, assemble(raw))
