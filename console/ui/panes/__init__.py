"""The four panes of the console."""
