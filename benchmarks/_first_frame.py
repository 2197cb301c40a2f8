"""Run a Textual program and end it at its first frame: the first write that shows a marker.

Used by startup_instructions.py under callgrind, so that the count stops at the first paint.
The console's code is untouched: only the terminal driver's write is wrapped.

Run: python _first_frame.py MARKER SCRIPT.py [ARGS...]
 or: python _first_frame.py MARKER -m MODULE [ARGS...]
"""

from __future__ import annotations

import os
import runpy
import sys

from textual.drivers.linux_driver import LinuxDriver

MARKER = sys.argv[1]
_write = LinuxDriver.write
_recent: list[str] = []


def _write_until_marker(driver: LinuxDriver, data: str) -> None:
    """Write as the driver does; leave at once when the marker is in what is written."""
    _recent.append(data)
    del _recent[:-3]  # the marker may straddle two writes
    if MARKER in "".join(_recent):
        os._exit(0)  # nothing after the first frame is counted, not even the exit
    _write(driver, data)


LinuxDriver.write = _write_until_marker  # type: ignore[method-assign]

if sys.argv[2] == "-m":
    sys.argv = sys.argv[3:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    sys.argv = sys.argv[2:]
    runpy.run_path(sys.argv[0], run_name="__main__")
