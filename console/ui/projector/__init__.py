"""The projector view: what the facilitator has chosen to put on the room's screen."""
