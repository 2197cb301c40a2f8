"""Pure workshop logic: scoring, ranking, timers, parsing. No Textual, no SQL."""
