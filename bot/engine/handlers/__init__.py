"""Handlers: commands, dialogue questions, button actions and group-room events. Importing this
package registers them all."""

from bot.engine.handlers import commands, onboarding, profile, rooms, staff, stop  # noqa: F401

# Registered last, so /help lists the buddy commands after the ones every person has.
from bot.engine.handlers import buddies  # noqa: F401, E402  # isort: skip
