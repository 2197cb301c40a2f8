"""Cards: its pane, dialogs, widgets and styles."""
