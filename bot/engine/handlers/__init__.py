"""Handlers: commands, dialogue questions, button actions and group-room events. Importing this
package registers them all."""

from bot.engine.handlers import (  # noqa: F401
    commands,
    new_prompt,
    onboarding,
    profile,
    prompts,
    rooms,
    staff,
    stop,
)
