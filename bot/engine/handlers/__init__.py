"""Handlers: commands and dialogue questions. Importing this package registers them all."""

from bot.engine.handlers import commands, onboarding, profile, staff, stop  # noqa: F401
