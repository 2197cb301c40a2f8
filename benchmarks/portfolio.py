"""Time `facilitate portfolio` over 200 generated workshop files and print the figures.

Run: python benchmarks/portfolio.py [COUNT]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_portfolio_workshops import generate_workshops


def main() -> None:
    """Generate the files, then time the portfolio command end to end and in-process."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        paths = generate_workshops(Path(folder), count)
        print(f"generated {count} workshop files in {time.perf_counter() - started:.2f} s")

        from console.report.portfolio import combine, render_portfolio_markdown
        from console.store.portfolio import read_summary

        started = time.perf_counter()
        portfolio = combine(read_summary(path) for path in paths)
        render_portfolio_markdown(portfolio)
        print(
            f"in-process: read and combined {count} files in {time.perf_counter() - started:.2f} s"
        )

        out = Path(folder) / "portfolio.html"
        command = [sys.executable, "-m", "console", "portfolio", *map(str, paths)]
        started = time.perf_counter()
        subprocess.run(
            [*command, "--format", "html", "--out", str(out)], check=True, stderr=subprocess.DEVNULL
        )
        elapsed = time.perf_counter() - started
        print(f"facilitate portfolio ({count} files, html, new process): {elapsed:.2f} s")
        print(f"{len(portfolio.cards)} cards, {len(portfolio.themes)} themes ranked")


if __name__ == "__main__":
    main()
