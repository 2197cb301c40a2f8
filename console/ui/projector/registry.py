"""Every projector view, by the mode that selects it."""

from __future__ import annotations

from console.ui.projector.base import ProjectorView

# Each view module adds its class to VIEWS below.
VIEWS: dict[str, type[ProjectorView]] = {}
