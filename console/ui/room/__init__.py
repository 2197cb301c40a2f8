"""Room: the delegates' phones: the room server the console starts, its dialog and styles."""
