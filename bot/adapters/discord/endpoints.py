"""Where discord.py sends its HTTP and gateway traffic.

discord.py has no official base-URL option, so the product setting
``DISCORD_API_BASE_URL`` / ``DISCORD_GATEWAY_URL`` is applied to the two class
attributes the library reads (``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``).
The same setting serves people running a Discord-compatible server and our tests,
which point the unmodified client at a local stand-in on 127.0.0.1.
"""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

DISCORD_API_BASE_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


def configure_endpoints(api_base_url: str | None, gateway_url: str | None) -> None:
    """Point discord.py at ``api_base_url`` and ``gateway_url`` (None means Discord itself)."""
    discord.http.Route.BASE = (api_base_url or DISCORD_API_BASE_URL).rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DISCORD_GATEWAY_URL)
