"""Receptive fields: exact per-axis dependency maps through layers and merges (DESIGN.md section 4)."""
