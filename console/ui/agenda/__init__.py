"""Agenda: its pane, dialogs, widgets and styles."""
