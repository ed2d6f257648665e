"""ExtractSettings: the opt-in fill-down, parsed, validated and part of the settings fingerprint."""

from __future__ import annotations

import dataclasses

import pytest

from extractors.settings import FILL_DOWN_FIELDS, ExtractSettings


def test_fill_down_is_parsed_in_field_order_and_validated():
    assert ExtractSettings().fill_down == ()
    assert ExtractSettings.parse_fill_down(" deadline, lead ,,") == ("lead", "deadline")
    assert ExtractSettings.parse_fill_down(["output", "lead,output"]) == ("output", "lead")
    assert ExtractSettings(fill_down=("budget", "task")).fill_down == ("task", "budget")
    assert set(ExtractSettings.parse_fill_down(",".join(FILL_DOWN_FIELDS))) == set(FILL_DOWN_FIELDS)
    for bad in ("tt", "lead,objective", "Lead"):
        with pytest.raises(ValueError, match="cannot be filled down"):
            ExtractSettings.parse_fill_down(bad)


def test_fill_down_changes_the_fingerprint_and_survives_a_process_boundary():
    default, filled = ExtractSettings(), ExtractSettings(fill_down=("lead",))
    assert default.fingerprint() != filled.fingerprint()
    assert ExtractSettings(fill_down=("lead",)).fingerprint() == filled.fingerprint()
    again = ExtractSettings(**dataclasses.asdict(filled))  # as a worker process gets it
    assert again.fill_down == ("lead",) and again.fingerprint() == filled.fingerprint()
    # the default leaves the fingerprints stored before the setting existed unchanged
    from extractors.settings import _hash

    old = {k: v for k, v in dataclasses.asdict(default).items() if k not in ("limits", "fill_down")}
    assert default.fingerprint() == _hash(old)
