.PHONY: run test lint bench bench-quick bench-scaling bench-borderless bench-borderless-unseen fixtures-layouts fixtures-borderless
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
# Every benchmark, including the 1,000-document corpus (about half an hour on 2 cores).
bench:
	.venv/bin/python -m benchmarks.run
# Per-page CPU and the 500-page plan only (about a minute).
bench-quick:
	.venv/bin/python -m benchmarks.run pages long
# Scaling exponent of every normalizer and text join, 1k…64k characters (about a minute).
bench-scaling:
	.venv/bin/python -m benchmarks.scaling
# camelot stream vs the borderless finder on the borderless layout set (about 3 minutes).
bench-borderless:
	.venv/bin/python -m benchmarks.borderless
# Regenerate the committed layout test set (tests/fixtures/layouts/set; LibreOffice and Chromium, about 2 minutes).
fixtures-layouts:
	.venv/bin/python -m tests.fixtures.layouts.generate --out tests/fixtures/layouts/set --count 34 --seed 1
# Regenerate the borderless layout set (tests/fixtures/layouts/borderless: 60 PDFs, top-aligned and centred merges).
fixtures-borderless:
	.venv/bin/python -m tests.fixtures.layouts.borderless.make
# The borderless finder on fresh generator seeds it was never tuned on (LibreOffice and Chromium, a few minutes).
bench-borderless-unseen:
	.venv/bin/python -m benchmarks.borderless_unseen
