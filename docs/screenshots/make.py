"""Save SVG screenshots of the console on the demo workshop: `python docs/screenshots/make.py`."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from console.store.demo import build_demo
from console.ui.app import make_app

HERE = Path(__file__).parent
SHOTS = {
    "console.svg": (),
    "inventory.svg": ("f3",),
    "cards.svg": ("f4",),
    "takeaways.svg": ("f5",),
}


async def save(name: str, keys: tuple[str, ...]) -> None:
    """Open the demo, press keys, and save what the screen shows."""
    with tempfile.TemporaryDirectory() as folder:
        store = build_demo(Path(folder) / "demo.db")
        app = make_app(store)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press(*keys)
            await pilot.pause(0.3)
            app.save_screenshot(filename=name, path=str(HERE))
        store.close()


async def main() -> None:
    """Save every screenshot."""
    for name, keys in SHOTS.items():
        await save(name, keys)
        print(HERE / name)


if __name__ == "__main__":
    asyncio.run(main())
