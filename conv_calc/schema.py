"""``python -m conv_calc.schema``: print the stack-file JSON Schema (kept for that command).

The schema itself is built in :mod:`conv_calc.stackfile.schema`.
"""

from conv_calc.stackfile.schema import main, stack_schema

__all__ = ["main", "stack_schema"]

if __name__ == "__main__":
    main()
