"""The facilitation console: run a live leadership workshop from one SQLite file."""

__version__ = "0.1.0"
