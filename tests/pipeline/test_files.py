"""pipeline.files: write-then-rename and SHA-256, shared by store, report, query and scoring."""

from __future__ import annotations

import hashlib

import pytest

from pipeline.files import atomic_write, atomic_write_bytes, atomic_write_text, file_sha256, lines_sha256


def test_atomic_write_replaces_the_file_whole(tmp_path):
    dest = tmp_path / "sub" / "a.txt"
    assert atomic_write_text(dest, "one") == dest
    atomic_write_bytes(dest, b"two")
    assert dest.read_bytes() == b"two"
    assert [p.name for p in dest.parent.iterdir()] == ["a.txt"]


def test_a_failed_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    dest = tmp_path / "a.txt"
    atomic_write_text(dest, "old")

    def half(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(dest, half)
    assert dest.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_file_sha256(tmp_path):
    path = tmp_path / "f.bin"
    data = bytes(range(256)) * 9000  # more than one read block
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
    with pytest.raises(OSError):
        file_sha256(tmp_path / "missing")


def test_lines_sha256_is_the_listing_fingerprint():
    assert lines_sha256(["a", "b"]) == hashlib.sha256(b"a\nb\n").hexdigest()
