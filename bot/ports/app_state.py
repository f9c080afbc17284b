"""App state port: small named values kept between runs (e.g. the synced commands' hash)."""

from __future__ import annotations

from typing import Protocol


class AppStateStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str) -> None: ...
