"""The base of the console's apps: an unexpected error ends the app and is kept for the launcher,
which logs it beside the workshop file and prints one line (console.launch.run_app)."""

from __future__ import annotations

from textual.app import App
from textual.worker import WorkerFailed


class ReportingApp(App[None]):
    """An app that keeps its first unexpected error instead of printing Textual's traceback."""

    unexpected_error: BaseException | None = None
    """The first exception that ended the app, if one did."""

    def _handle_exception(self, error: Exception) -> None:
        # Textual offers no public hook for an unhandled exception; every one (in a handler,
        # timer, worker or compose) arrives here. Textual still ends the app with return code 1
        # and keeps the error for Pilot tests; only its traceback stays off the terminal, where
        # it would hide the one line that says where the log is.
        if self.unexpected_error is None:
            self.unexpected_error = error.error if isinstance(error, WorkerFailed) else error
        self.error_console.quiet = True
        super()._handle_exception(error)
