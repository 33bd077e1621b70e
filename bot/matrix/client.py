"""The nio client, restored from a stored access token (never a new login).

A new login would make a new device, and Matrix scopes transaction ids to the device: a resend
after a crash would then post twice. So the bot always reuses the token it was given; the
device id comes from the config or from `whoami`.
"""

from __future__ import annotations

import nio

from bot.engine.port import PlatformFatal

# nio retries 429 answers forever by default; the outbox must see them to reschedule.
CLIENT_CONFIG = nio.AsyncClientConfig(
    max_limit_exceeded=0,
    max_timeouts=0,
    request_timeout=60,
    store_sync_tokens=False,
    encryption_enabled=False,
)


class MatrixLoginError(PlatformFatal):
    """The homeserver refused the access token, or it belongs to another account or device."""

    platform_title = "Matrix"


async def restore_client(
    homeserver: str, user_id: str, access_token: str, device_id: str | None = None
) -> nio.AsyncClient:
    """A client for the bot's account; checks the token belongs to `user_id`."""
    client = nio.AsyncClient(homeserver, user_id, device_id=device_id or "", config=CLIENT_CONFIG)
    client.restore_login(user_id, device_id or "", access_token)
    whoami = await client.whoami()
    if not isinstance(whoami, nio.WhoamiResponse):
        await client.close()
        raise MatrixLoginError(f"the homeserver refused the access token: {whoami}")
    if whoami.user_id != user_id:
        await client.close()
        raise MatrixLoginError(f"the access token belongs to {whoami.user_id}, not {user_id}")
    if device_id and whoami.device_id and whoami.device_id != device_id:
        await client.close()
        raise MatrixLoginError(
            f"the access token is for device {whoami.device_id}, not {device_id}"
        )
    if whoami.device_id:
        client.device_id = whoami.device_id
    return client


async def check_token(
    homeserver: str, user_id: str, access_token: str, device_id: str | None = None
) -> str:
    """For `ouderkring doctor`: ask the homeserver who the access token belongs to (whoami).
    What was found, in one line; MatrixLoginError in plain words when something is wrong."""
    try:
        client = await restore_client(homeserver, user_id, access_token, device_id)
    except MatrixLoginError:
        raise
    except Exception as exc:  # nio lets the transport's errors through (aiohttp, OSError)
        raise MatrixLoginError(
            f"cannot reach the homeserver {homeserver} ({type(exc).__name__}): "
            "check the network and [matrix] homeserver"
        ) from None
    device = client.device_id
    await client.close()
    return f"the access token belongs to {user_id} (device {device})"
