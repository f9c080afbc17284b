"""The archive's routes: each asks the briefing service once or twice and renders a template.

No SQL and no storage here: only the service's use cases (latest, show, history, figures,
timeline, search, digest of a day), so the archive shows what the bots show.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment

from bot.adapters.web.feed import atom_feed
from bot.adapters.web.http import PageError, middleware
from bot.adapters.web.templating import make_environment
from bot.domain.entries import Entry
from bot.domain.errors import NotFound, SearchBusy, SearchTooSlow, describe
from bot.domain.figures import FigureGroup
from bot.domain.schedule import local_date
from bot.domain.search_query import UNRANKED_NOTE
from bot.rendering.chart import chart_alt_text, chart_png
from bot.service import BriefingService

PER_PAGE = 20
FEED_ENTRIES = 30
MAX_QUERY = 200
MAX_PAGE = 1000
MIN_YEAR, MAX_YEAR = 1900, 2999
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:]{2,39}\](:[0-9]{1,5})?")
_ONE_DAY = timedelta(days=1)
NOT_FOUND = "No entry at this address: it may have been removed."


@dataclass(frozen=True, slots=True)
class WebConfig:
    """What the archive needs besides the service: the newsroom's zone and public address."""

    tz: ZoneInfo
    public_url: str | None = None


class Archive:
    """The route handlers over one service."""

    def __init__(self, service: BriefingService, config: WebConfig, env: Environment) -> None:
        self.service = service
        self.config = config
        self.env = env

    def page(
        self, request: web.Request, template: str, status: int = 200, **values: object
    ) -> web.Response:
        html = self.env.get_template(template).render(path=request.path, **values)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    def error_page(self, request: web.Request, status: int, message: str) -> web.Response:
        return self.page(request, "error.html", status, status_code=status, message=message)

    async def _entry(self, slug: str) -> Entry:
        # Only exact slugs: ids and padded text are not permalinks.
        if not slug or slug != slug.strip() or slug.isdigit() or len(slug) > 200:
            raise PageError(404, NOT_FOUND)
        try:
            entry = await self.service.show(slug)
        except NotFound:
            raise PageError(404, NOT_FOUND) from None
        if entry.is_deleted or entry.slug != slug:
            raise PageError(404, NOT_FOUND)
        return entry

    async def home(self, request: web.Request) -> web.Response:
        number = _page_number(request)
        page = await self.service.latest(PER_PAGE, number)
        return self.page(request, "home.html", page=page)

    async def entry(self, request: web.Request) -> web.Response:
        entry = await self._entry(request.match_info["slug"])
        revisions = await self.service.history(entry.slug)
        return self.page(request, "entry.html", entry=entry, revisions=revisions)

    async def figures(self, request: web.Request) -> web.Response:
        view = await self.service.figures()
        return self.page(request, "figures.html", view=view)

    async def figure(self, request: web.Request) -> web.Response:
        group = await self._group(request.match_info["subject"])
        return self.page(request, "figure.html", group=group, alt=chart_alt_text(group))

    async def chart(self, request: web.Request) -> web.Response:
        group = await self._group(request.match_info["subject"])
        png = await asyncio.to_thread(chart_png, group)
        return web.Response(body=png, content_type="image/png")

    async def _group(self, subject: str) -> FigureGroup:
        view = await self.service.figures(subject[:200]) if subject.strip() else None
        if view is None or not view.groups:
            raise PageError(404, "No key figure by that name.")
        return view.groups[0]

    async def timeline(self, request: web.Request) -> web.Response:
        start = _date_param(request, "from")
        end = _date_param(request, "to")
        entries = await self.service.timeline(start, end)
        return self.page(request, "timeline.html", entries=entries, start=start, end=end)

    async def digests(self, request: web.Request) -> web.Response:
        today = local_date(self.service.clock.now(), self.config.tz)
        return web.Response(status=302, headers={"Location": f"/digests/{today.isoformat()}"})

    async def digest(self, request: web.Request) -> web.Response:
        day = _parse_date(request.match_info["day"])
        if day is None:
            raise PageError(404, "Digests are at /digests/YYYY-MM-DD.")
        # What happened that day (event dates), and what the scheduled digest carried: the
        # entries recorded during that local day in the newsroom's zone.
        digest = await self.service.digest_of_day(day)
        recorded = await self.service.digest(self.config.tz, day)
        return self.page(
            request,
            "digest.html",
            digest=digest,
            recorded=recorded,
            day=day,
            tz=self.config.tz,
            one_day=_ONE_DAY,
        )

    async def search(self, request: web.Request) -> web.Response:
        text = request.query.get("q", "").strip()[:MAX_QUERY]
        number = _page_number(request)
        results, note = None, None
        if text:
            try:
                results = await self.service.search(text, number, PER_PAGE)
            except (SearchTooSlow, SearchBusy) as error:
                # The time budget's own answers, shown on the search page itself.
                note = describe(error)
            else:
                note = None if results.ranked else UNRANKED_NOTE
        return self.page(request, "search.html", q=text, results=results, note=note)

    async def feed(self, request: web.Request) -> web.Response:
        page = await self.service.latest(FEED_ENTRIES)
        # Corrections are filled only when an entry is read in full.
        entries = [await self.service.show(str(entry.id)) for entry in page.entries]
        body = atom_feed(entries, self._base_url(request), self.service.clock.now())
        response = web.Response(body=body, content_type="application/atom+xml", charset="utf-8")
        if not self.config.public_url:
            # Links then follow the Host header: no shared cache may serve them to others.
            response.headers["Cache-Control"] = "private, max-age=60"
        return response

    def _base_url(self, request: web.Request) -> str:
        """BRIEFBOT_PUBLIC_URL, else the address the reader used (a plain host name only)."""
        if self.config.public_url:
            return self.config.public_url.rstrip("/")
        host = request.host if _HOST.fullmatch(request.host or "") else "localhost"
        return f"{request.scheme}://{host}"

    async def healthz(self, request: web.Request) -> web.Response:
        await self.service.latest(1)
        return web.Response(text="ok\n")


def build_app(service: BriefingService, config: WebConfig) -> web.Application:
    """The archive as an aiohttp application (read-only: GET and HEAD only)."""
    archive = Archive(service, config, make_environment())
    app = web.Application(middlewares=[middleware(archive.error_page)])
    app.router.add_get("/", archive.home)
    app.router.add_get("/entries/{slug}", archive.entry)
    app.router.add_get("/figures", archive.figures)
    app.router.add_get("/figures/{subject}", archive.figure)
    app.router.add_get("/figures/{subject}/chart.png", archive.chart)
    app.router.add_get("/timeline", archive.timeline)
    app.router.add_get("/digests", archive.digests)
    app.router.add_get("/digests/{day}", archive.digest)
    app.router.add_get("/search", archive.search)
    app.router.add_get("/feed.atom", archive.feed)
    app.router.add_get("/healthz", archive.healthz)
    app.router.add_static("/static", _static_dir(), append_version=False)
    return app


def _static_dir() -> Path:
    return Path(__file__).parent / "static"


def _page_number(request: web.Request) -> int:
    text = request.query.get("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise PageError(400, f"The page must be a number from 1 to {MAX_PAGE}.")
    return int(text) - 1


def _parse_date(text: str) -> date | None:
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    # Far years are no news day and would overflow the previous/next-day links.
    return day if day is not None and MIN_YEAR <= day.year <= MAX_YEAR else None


def _date_param(request: web.Request, name: str) -> date | None:
    text = request.query.get(name, "").strip()
    if not text:
        return None
    day = _parse_date(text)
    if day is None:
        raise PageError(400, f"'{name}' must be a date written YYYY-MM-DD.")
    return day
