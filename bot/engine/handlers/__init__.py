"""Handlers: commands, dialogue questions, button actions and group-room events. Importing this
package registers them all."""

from bot.engine.handlers import commands, onboarding, profile, rooms, staff, stop  # noqa: F401
