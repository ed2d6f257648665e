"""One error policy: a bad file keeps its message, anything else is reported as kehoach's bug; one CLI handler."""

from __future__ import annotations

import logging

import pytest

import extractors
from extractors import EXTRACTOR_VERSION, ExtractSettings, InputError
from pipeline.ingest import extract_plan
from pipeline.scoring import ScoringError, score
from pipeline.tables import Status
from tests.conftest import FIXTURES, run_cli

SONLA = FIXTURES / "sonla-stttt-cchc-2023.pdf"


def _raising(exc: BaseException):
    def extract(path, settings=None):
        raise exc

    return extract


def test_a_bad_file_keeps_its_message(monkeypatch):
    monkeypatch.setattr(extractors, "extract", _raising(InputError("The file is empty (0 bytes).")))
    result = extract_plan(SONLA, ExtractSettings())
    assert result.status is Status.FAILED
    assert result.document.error == "The file is empty (0 bytes)."


def test_a_bug_is_reported_as_ours_with_its_traceback_logged(monkeypatch, caplog):
    monkeypatch.setattr(extractors, "extract", _raising(KeyError("lead")))
    with caplog.at_level(logging.ERROR, logger="pipeline.ingest"):
        result = extract_plan(SONLA, ExtractSettings())
    assert result.status is Status.FAILED
    assert result.document.error.startswith(f"Internal error in kehoach {EXTRACTOR_VERSION}: KeyError: 'lead' — ")
    assert "please report it" in result.document.error
    [record] = [r for r in caplog.records if r.name == "pipeline.ingest"]
    assert record.exc_info is not None and record.exc_info[0] is KeyError
    assert str(SONLA) in record.getMessage()


@pytest.mark.parametrize("wrapped", [False, True])
def test_running_out_of_memory_is_not_called_damage(monkeypatch, wrapped):
    exc: BaseException = MemoryError()
    if wrapped:  # the extractors wrap parser failures as "probably damaged"
        try:
            raise InputError("The PDF could not be parsed (MemoryError: ): it is probably damaged") from exc
        except InputError as e:
            exc = e
    monkeypatch.setattr(extractors, "extract", _raising(exc))
    result = extract_plan(SONLA, ExtractSettings())
    assert result.status is Status.FAILED
    assert "ran out of memory while reading this file" in result.document.error
    assert "damaged;" not in result.document.error


def test_scoring_what_was_not_ingested_raises_a_scoring_error(ingested, tmp_path):
    gold = FIXTURES / "sonla-stttt-cchc-2023.json"
    with pytest.raises(ScoringError, match="no ingested documents"):
        score(gold, SONLA, tmp_path)
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4 not the ingested one")
    with pytest.raises(ScoringError, match="no document with sha256"):
        score(gold, other, ingested)


def test_cli_maps_known_errors_to_one_line_and_status_2(tmp_path):
    result = run_cli("eval", "--gold", str(FIXTURES / "sonla-stttt-cchc-2023.json"), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: no ingested documents in")
    assert len(result.output.strip().splitlines()) == 1
    result = run_cli("query", "select 1", "--format", "parquet", "--out", str(tmp_path))
    assert (result.exit_code, result.output.strip()) == (2, "error: --format parquet needs --output FILE.parquet")
    result = run_cli("ingest", str(tmp_path / "missing.pdf"), "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2 and "no such file or folder" in result.output
    result = run_cli("ingest", str(SONLA), "--out", str(tmp_path / "out"), "-q", "--executor", "dask")
    assert result.exit_code == 2 and "--executor dask needs --scheduler" in result.output
