"""What several features share: panes, capture line, dialogs, header, help, text."""
