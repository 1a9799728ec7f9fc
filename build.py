#!/usr/bin/env python3
"""Build the site: ``python build.py`` is ``sitegen build`` (same options)."""
import sys

from sitegen.cli import main

raise SystemExit(main(["build", *sys.argv[1:]]))
