"""Golden-data generators: run real frameworks and record what they do."""
