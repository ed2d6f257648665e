.PHONY: run test lint bench bench-quick
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
