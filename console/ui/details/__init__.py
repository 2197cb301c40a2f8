"""Details: its pane, dialogs, widgets and styles."""
