"""``python -m conv_calc``: the same program as the ``conv-calc`` command."""

from conv_calc.cli.entry import main

raise SystemExit(main())
