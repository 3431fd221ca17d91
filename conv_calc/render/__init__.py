"""Text output: JSON, markdown, CSV, per-axis formulas, the rich table and lint formats."""
