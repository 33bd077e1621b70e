"""The Telegram adapter (python-telegram-bot 22): translates Telegram updates into the engine's
`Incoming` values and the engine's actions into Bot API calls. No dialogue or domain logic
lives here, and this is the only package that imports `telegram`.

- `updates`: Update -> Incoming
- `transport`: Delivery -> Bot API call, Telegram errors -> SendError
- `limiter`: Telegram's flood limits (about 30 messages a second, 20 a minute per group)
- `adapter`: long polling or webhook, one update at a time, button taps acknowledged
- `menu`: the command menu per language and role
- `links`: deep links for posters (their QR codes: bot/kit/qr.py)
- `settings`: the `[telegram]` section of the config; `platform`: the registry entry
"""

from bot.engine.port import Capabilities

# The Bot API takes at most 100 buttons on one message.
CAPABILITIES = Capabilities(buttons=True, edit=True, join_links=True, max_buttons=100)
