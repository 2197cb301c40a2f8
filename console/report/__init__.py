"""Exports of a workshop: Markdown, HTML, CSV and JSON."""
