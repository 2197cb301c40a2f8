"""Start-up to first paint in instructions: `facilitate WORKSHOP` vs a bare Textual app.

startup.py's wall-clock figure moves with whatever else the machine runs; an instruction count
does not. Both programs run as in startup.py (a pseudo-terminal of 120 x 36, the same markers),
under valgrind's callgrind, and end at their first frame (_first_frame.py). The figure is the
console process's own count in millions: the child that reads the file for damage is not counted.
Needs valgrind; each run takes some 20 s per program.

Run: python benchmarks/startup_instructions.py [--sizes 10000,100000] [--runs 1] [--quick]
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import sys
import tempfile
from pathlib import Path

from _common import PYTHON, TERMINAL, Target, options, result
from startup import first_paints

TARGET = Target("<= 1.3x floor", 1.3, relative=True)
FIRST_FRAME = Path(__file__).with_name("_first_frame.py")
TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def instructions_to_screen(argv: list[str], marker: str, cwd: Path) -> float:
    """Run a program under callgrind in a pseudo-terminal to its first frame showing marker;
    return its process's instructions in millions."""
    with tempfile.TemporaryDirectory() as counts:
        valgrind = [
            "valgrind",
            "--quiet",
            "--tool=callgrind",
            f"--callgrind-out-file={counts}/count.%p",
        ]
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(cwd)
            os.environ.update(TERMINAL)
            os.execvp("valgrind", [*valgrind, PYTHON, str(FIRST_FRAME), marker, *argv])
        try:
            while select.select([fd], [], [], 300)[0] and os.read(fd, 65536):
                pass  # the terminal's output, until the program has ended
        except OSError:  # the program ended: its pseudo-terminal is closed
            pass
        finally:
            _, status = os.waitpid(pid, 0)
            os.close(fd)
        count = Path(counts, f"count.{pid}")
        if status != 0 or not count.exists():
            raise RuntimeError(f"{argv} did not reach its first frame under callgrind")
        found = TOTAL.search(count.read_text("utf-8", errors="replace"))
        if found is None:
            raise RuntimeError(f"no instruction count in {count.name}")
        return int(found.group(1)) / 1e6


def main() -> None:
    """Print instructions to first paint, console and floor, per size."""
    found = options(__doc__)
    if shutil.which("valgrind") is None:
        sys.exit("startup_instructions.py needs valgrind (apt-get install valgrind)")
    for size in found.sizes:
        mine, floor = first_paints(size, found.runs, instructions_to_screen)
        result(
            size,
            "start-up to first paint, instructions",
            mine,
            floor,
            TARGET,
            unit="M",
            floor_what="bare Textual app",
        )


if __name__ == "__main__":
    main()
