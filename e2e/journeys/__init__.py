"""Browser journeys through the client, one fresh stack for the whole group."""
