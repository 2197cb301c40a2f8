"""Run the console with `python -m console`."""

from console.cli import main

main()
