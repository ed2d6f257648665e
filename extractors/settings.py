"""Extraction settings: one dataclass with documented defaults (light: no PDF library imported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: value columns a table printed without ruling lines may merge with no trace (the value printed once, at the
#: top of the rows it covers): the fields :attr:`ExtractSettings.fill_down` may name
FILL_DOWN_FIELDS: tuple[str, ...] = ("task", "activity", "output", "lead", "partner", "deadline", "budget")


@dataclass
class Limits:
    """Resource limits, all on by default; ``0`` (or ``None``) turns one off.

    Each can be set from the command line with ``--limit NAME=VALUE`` (e.g. ``--limit
    max_pages=5000``), and the message of a document that hits one names it.

    - ``timeout_base`` + ``timeout_per_page`` × pages: seconds a document may take (a 40-page
      plan: 300 + 40 × 120 = 5100 s; generous, as OCR of one page takes 10-80 s on a busy machine:
      a backstop against documents that never end); ``--timeout S`` replaces it with a fixed S.
    - ``max_memory_mb``: address space of each worker process (``RLIMIT_AS``); a document that
      needs more is recorded as out of memory, the other documents go on.
    - ``max_pages``: pages of a PDF read; the pages beyond are not read but recorded (status
      ``partial``, the error names them and the limit).
    - ``max_render_pixels``: pixels of one page rendered at 300 dpi (an A4 page is ~8.7 M); a larger
      page is not read (nor rendered) but recorded the same way; a PDF with no page left is refused.
    - ``max_page_chars``: characters of one page's text layer (a dense A4 page has ~6,000); a page
      with more is not read (its characters would cost gigabytes) but recorded the same way.
    - ``max_stream_mb``: what one compressed stream of a PDF unpacks to (a 2.4 KB compression bomb
      unpacks to gigabytes); a PDF with a larger one is refused, the stream counted, never held.
    - ``max_docx_mb``: uncompressed size of a Word file's parts (ZIP bombs); larger is refused.
    - ``max_docx_paragraphs``: paragraphs of a Word file; more is refused.

    Checked by :func:`extractors.inputs.check_limits` before extraction (Word files, and PDFs with
    no page within the limits, are refused whole) and :func:`extractors.inputs.pdf_pages_within_limits`.
    """

    timeout_base: float = 300.0
    timeout_per_page: float = 120.0
    max_memory_mb: int = 4096
    max_pages: int = 2000
    max_render_pixels: int = 60_000_000
    max_page_chars: int = 500_000
    max_stream_mb: int = 512
    max_docx_mb: int = 256
    max_docx_paragraphs: int = 200_000

    def timeout(self, pages: int | None) -> float:
        """Seconds allowed for a document of ``pages`` pages (0: no limit)."""
        if not self.timeout_base and not self.timeout_per_page:
            return 0.0
        return self.timeout_base + self.timeout_per_page * max(pages or 0, 1)

    @staticmethod
    def hint(name: str, value: object) -> str:
        """How to raise a limit, for messages."""
        return f"raise it with --limit {name}=N (now {value}), or 0 for no limit"

    @classmethod
    def parse(cls, specs: list[str], base: Limits | None = None) -> Limits:
        """``["max_pages=5000", …]`` over ``base``; raises ``ValueError`` for an unknown name or value."""
        import dataclasses

        values = dataclasses.asdict(base or cls())
        for spec in specs:
            name, sep, raw = spec.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in values:
                raise ValueError(f"--limit {spec!r}: expected NAME=VALUE with NAME one of {', '.join(values)}")
            kind = type(values[name])
            try:
                values[name] = kind(float(raw)) if kind is int else kind(raw)
            except ValueError:
                raise ValueError(f"--limit {spec!r}: {raw!r} is not a number") from None
            if values[name] < 0:
                raise ValueError(f"--limit {spec!r}: must be 0 (no limit) or more")
        return cls(**values)


@dataclass
class ExtractSettings:
    """Knobs of the extraction, with the defaults that suit ruled Word/LibreOffice plans.

    - ``engine``: ``"pdfplumber"`` or ``"camelot"``.
    - ``table_settings``: passed to pdfplumber's ``find_tables`` (see its docs).
    - ``x_tolerance`` / ``y_tolerance``: gaps (points) that separate words / lines in a cell.
    - ``snap``: coordinates closer than this (points) are one grid edge.
    - ``min_table_cells``: smaller ruled structures (letterhead underlines) are not tables.
    - ``column_gap``: a horizontal gap (points) this wide splits a text line in two
      (the letterhead's left and right blocks, the signature block).
    - ``cross_check``: re-read pages whose pdfplumber grid looks doubtful with camelot.
    - ``text_layer``: where characters and rules come from: ``"pdfium"`` (PDFium, C++, ~6x
      faster) or ``"pdfminer"`` (pdfplumber's own parser). Tables are found by pdfplumber's
      algorithm either way.
    - ``borderless``: on a page without a ruled table, look for a task table drawn without
      lines (columns from the header's positions, rows from TT numbers and gaps).
    - ``ocr``: ``"auto"`` reads pages without a usable text layer (none, or unmapped/private-use
      glyphs) from their image with Tesseract when it is installed; ``"off"``; ``"force"`` for
      every page.
    - ``fill_down``: value fields (of :data:`FILL_DOWN_FIELDS`) whose empty cell, in a table printed
      without ruling lines, takes the value of the filled cell above it in the same section and group
      (``--fill-down lead,deadline``). Off by default: nothing drawn shows such a merge, and a plan
      that leaves a deadline or lead empty must keep it empty. Set it for plans known to print a
      merged value once, at the top of its rows; each row filled so is flagged ``merge_inferred``
      (not ``merge_possible``). Ruled tables are read from their lines either way.
    - ``limits``: resource limits (:class:`Limits`), on by default.
    """

    engine: str = "pdfplumber"
    table_settings: dict[str, Any] = field(
        default_factory=lambda: {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    )
    x_tolerance: float = 1.5
    y_tolerance: float = 3.0
    snap: float = 2.0
    min_table_cells: int = 4
    column_gap: float = 24.0
    cross_check: bool = True
    text_layer: str = "pdfium"
    borderless: bool = True
    ocr: str = "auto"
    fill_down: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)

    def fingerprint(self) -> str:
        """A short hash of every setting that shapes the extracted rows (the limits apart: they only
        decide whether a document is refused, see :meth:`limits_fingerprint`)."""
        import dataclasses

        values = {k: v for k, v in dataclasses.asdict(self).items() if k != "limits"}
        if not values["fill_down"]:  # added later: the default leaves the fingerprints stored before unchanged
            del values["fill_down"]
        return _hash(values)

    def limits_fingerprint(self) -> str:
        import dataclasses

        return _hash(dataclasses.asdict(self.limits))

    def __post_init__(self) -> None:
        if isinstance(self.limits, dict):  # from asdict(), across a process boundary
            self.limits = Limits(**self.limits)
        self.fill_down = self.parse_fill_down(self.fill_down)
        if self.engine not in ("pdfplumber", "camelot"):
            raise ValueError(f"unknown engine {self.engine!r}; choose pdfplumber or camelot")
        if self.ocr not in ("auto", "off", "force"):
            raise ValueError(f"unknown ocr mode {self.ocr!r}; choose auto, off or force")
        if self.text_layer not in ("pdfium", "pdfminer"):
            raise ValueError(f"unknown text layer {self.text_layer!r}; choose pdfium or pdfminer")

    @staticmethod
    def parse_fill_down(spec: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
        """``"lead,deadline"`` (or a list of names, each maybe comma-separated) as a tuple in
        :data:`FILL_DOWN_FIELDS` order; raises ``ValueError`` for a field that cannot be filled down."""
        names = [spec] if isinstance(spec, str) else list(spec or ())
        wanted = {n.strip() for item in names for n in item.split(",") if n.strip()}
        unknown = sorted(wanted - set(FILL_DOWN_FIELDS))
        if unknown:
            raise ValueError(
                f"--fill-down: {', '.join(unknown)} cannot be filled down; choose from {', '.join(FILL_DOWN_FIELDS)}"
            )
        return tuple(n for n in FILL_DOWN_FIELDS if n in wanted)


def _hash(values: dict[str, Any]) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]
