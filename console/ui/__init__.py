"""The Textual console: app, screens, panes and styles. No SQL here."""
