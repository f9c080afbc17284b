"""One deployment, several platforms, one ledger: keep each platform's digests to itself.

:class:`~bot.delivery.DigestDelivery` and :class:`~bot.scheduling.scheduler.DigestScheduler`
work on every active schedule in the database. A deployment that runs only some platforms
(Discord without Slack credentials, say) must not claim, and then fail, the other
platforms' digests. Two ways to compose them:

- one delivery and one scheduler per platform, each over the server settings and ledger
  scoped to that platform (``Storage.servers(platforms)`` and ``.ledger(platforms)``; what
  :mod:`bot.platforms.runtime` builds for every running platform: each can run alone; the
  shared ledger keeps "once per server per local day" across all of them);
- or one delivery and one scheduler for the deployment, with a :class:`PosterRouter` that
  hands each target to its platform's poster, over stores scoped to the running platforms.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.delivery import DeliveryTarget, DigestPoster, PermanentDeliveryError
from bot.domain.digest import Digest


class PosterRouter:
    """A :class:`~bot.delivery.DigestPoster` that dispatches on ``target.platform``."""

    def __init__(self, posters: Mapping[str, DigestPoster]) -> None:
        self._posters = dict(posters)

    @property
    def platforms(self) -> frozenset[str]:
        return frozenset(self._posters)

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        return await self._poster(target).post(target, digest, nonce, marker)

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        return await self._poster(target).find_posted(target, marker)

    def _poster(self, target: DeliveryTarget) -> DigestPoster:
        poster = self._posters.get(target.platform)
        if poster is None:
            raise PermanentDeliveryError(f"this deployment does not run {target.platform}")
        return poster
