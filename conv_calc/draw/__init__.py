"""Pictures (layer 7)."""
