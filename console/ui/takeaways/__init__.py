"""Takeaways: its pane, dialogs, widgets and styles."""
