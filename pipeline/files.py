"""File helpers shared by the pipeline: write-then-rename, and SHA-256 of a file.

atomic_write(dest, lambda tmp: pq.write_table(table, tmp))
atomic_write_text(dest, "…")
file_sha256(path)
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

_BLOCK = 1 << 20


def atomic_write(dest: str | os.PathLike[str], writer: Callable[[Path], object]) -> Path:
    """Have ``writer`` write a temporary file beside ``dest``, then rename it onto ``dest``.

    A reader (or a run killed half-way) sees the old file or the new one, never half of one;
    if ``writer`` raises, the temporary file is removed and ``dest`` is left as it was.
    The folder is created if needed. The file gets the mode any new file gets (``0o666`` less the
    umask: 0644 under umask 022, readable by colleagues on a shared disk), not the temporary file's
    0600. Returns ``dest``.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}-", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        writer(tmp)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def current_umask() -> int:
    """The process's umask, read without changing it where the OS tells (Linux: /proc/self/status);
    elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(dest: str | os.PathLike[str], data: bytes) -> Path:
    return atomic_write(dest, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(dest: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    return atomic_write(dest, lambda tmp: tmp.write_text(text, encoding=encoding))


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks. Raises ``OSError`` if it cannot be read."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            h.update(block)
    return h.hexdigest()


def shown(path: str | os.PathLike[str]) -> str:
    """A path as text that can be stored and printed: bytes that are not UTF-8 (kept by Python as
    surrogate escapes) are shown as ``\\xNN``; every other character is unchanged."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def lines_sha256(lines: Iterable[str]) -> str:
    """Hex SHA-256 of text lines (UTF-8, each ended by a newline): a fingerprint of a listing."""
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()
