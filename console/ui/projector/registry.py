"""Every projector view, by the mode that selects it."""

from __future__ import annotations

from console.ui.projector.agenda_view import AgendaView
from console.ui.projector.base import ProjectorView
from console.ui.projector.cards_view import CardsView
from console.ui.projector.inventory_view import InventoryView
from console.ui.projector.join_view import JoinView
from console.ui.projector.takeaway_view import TakeawayView

# Each view module adds its class to VIEWS below.
VIEWS: dict[str, type[ProjectorView]] = {
    AgendaView.MODE: AgendaView,
    TakeawayView.MODE: TakeawayView,
    CardsView.MODE: CardsView,
    InventoryView.MODE: InventoryView,
    JoinView.MODE: JoinView,
}
