"""The ``conv-calc`` command line: a thin edge over the engine."""
