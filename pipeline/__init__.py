"""kehoach pipeline: stages that take extracted plans to Parquet and DuckDB, and the CLI."""
