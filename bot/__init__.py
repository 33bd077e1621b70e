"""The Ouderkring bot: the engine, the chat platforms and the `ouderkring` command."""
