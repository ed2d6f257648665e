"""Vietnamese normalizers: pure functions from text to records."""
