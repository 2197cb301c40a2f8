"""Inventory: its pane, dialogs, widgets and styles."""
