"""The Ouderkring bot: the conversation engine, the chat platforms and the `ouderkring` command."""
