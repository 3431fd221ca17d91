"""Stack files: the YAML vocabulary, the hardened reader, argument checks, problems and the JSON Schema."""
