"""Templates, decks and reference rankings shipped with the console."""
