"""The Matrix adapter (matrix-nio): Matrix events -> `Incoming`, `Delivery` -> client-server API.

It only translates. No dialogue or domain logic lives here; only this package imports `nio`.

- `render`: an action -> Matrix event content (choices as numbered options with keycap emoji).
- `translate`: a Matrix event (its JSON) -> `Incoming`.
- `transport`: `MatrixTransport.perform`, the engine's port (idempotent sends by transaction id);
  `rooms`: its direct rooms, invitations and created rooms; `errors`: answers -> SendError.
- `listener`: the sync loop: invites, translation, the stored sync token.
- `client`: builds the nio client from the stored login (never logs in anew).
- `runner`: wires it to the app for `ouderkring run` (state in `platform_state` through
  bot/kit/state.py, events to `app.process`).
- `settings`: the `[matrix]` section of the config; `platform`: the registry entry.

No end-to-end encryption in this version: the bot does not stay in encrypted rooms.
"""

from bot.engine.port import Capabilities

PLATFORM = "matrix"
# No buttons: choices are numbered options that take a keycap reaction (1 to 10).
CAPABILITIES = Capabilities(buttons=False, edit=True, idempotent=True, max_buttons=10)
