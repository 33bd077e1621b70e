"""Handlers: commands, dialogue questions, button actions and group-room events. Which of them
the engine runs, and in what order `/help` lists the commands, is the handler table's
(bot/engine/handler_table.py)."""
