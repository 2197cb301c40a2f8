"""Run the console with `python -m console`."""

from console.launch import main

main()
