"""sitegen: a static site generator for networks and their meetings."""

__version__ = "0.1.0"
