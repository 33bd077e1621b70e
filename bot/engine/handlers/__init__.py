"""Handlers: commands, dialogue questions, button actions and group-room events. Importing this
package registers them all."""

from bot.engine.handlers import (  # noqa: F401
    commands,
    moderation,
    new_hood,
    new_prompt,
    onboarding,
    privacy,
    profile,
    programme_times,
    prompts,
    revoke,
    room_commands,
    room_setup,
    rooms,
    staff,
    stop,
    translating,
    translator_join,
    voice,
)

# Registered last, so /help lists the buddy commands after the ones every person has.
from bot.engine.handlers import buddies  # noqa: F401, E402  # isort: skip
