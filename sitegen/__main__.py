"""``python -m sitegen``: the command line."""
from .cli import main

raise SystemExit(main())
