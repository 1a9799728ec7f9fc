"""Renderers: one module per kind of output, each turning part of the `Site` into bytes."""
