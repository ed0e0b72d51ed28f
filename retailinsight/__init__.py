"""Python helpers of RetailInsight360: sample generator, dbt-duckdb plugin, run summary."""
