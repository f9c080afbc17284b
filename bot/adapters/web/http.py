"""Response plumbing every page shares: security headers, ETags, and error pages.

Kept apart from the routes so each route only fetches from the service and renders.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.domain.errors import (
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    TryLater,
    UserError,
    describe,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Nothing but our own stylesheet and images: no script runs on any page, no frame embeds one.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# Short: an edit or correction should reach readers within a minute.
CACHE_CONTROL = "public, max-age=60"


class PageError(Exception):
    """A reader-facing failure: an HTTP status and one sentence to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def with_etag(request: web.Request, response: web.Response) -> web.Response:
    """Tag a successful body with its hash; answer 304 when the reader already has it."""
    body = response.body
    if response.status != 200 or not isinstance(body, bytes):
        return response
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response.headers["ETag"] = tag
    response.headers.setdefault("Cache-Control", CACHE_CONTROL)
    wanted = request.headers.get("If-None-Match", "")
    if tag in {part.strip() for part in wanted.split(",")}:
        not_modified = web.Response(status=304)
        not_modified.headers["ETag"] = tag
        not_modified.headers["Cache-Control"] = response.headers["Cache-Control"]
        return not_modified
    return response


ErrorPage = Callable[[web.Request, int, str], web.Response]


def middleware(error_page: ErrorPage) -> Middleware:
    """Headers and ETags on every answer; failures become a page, never a traceback."""

    @web.middleware
    async def handle(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except PageError as error:
            response = error_page(request, error.status, error.message)
        except UserError as error:
            # The domain's sentence, as every adapter shows it (never internal text).
            response = error_page(request, _status(error), describe(error) or "")
        except web.HTTPNotFound:
            response = error_page(request, 404, "There is no page at this address.")
        except web.HTTPMethodNotAllowed:
            response = error_page(request, 405, "This archive is read-only.")
        except web.HTTPException as error:
            response = error_page(request, error.status, "That request could not be answered.")
        except Exception:
            log.exception("web page %s failed", request.path)
            response = error_page(request, 500, "Something went wrong; please try again later.")
        if isinstance(response, web.Response):
            response = with_etag(request, response)
        response.headers.update(SECURITY_HEADERS)
        return response

    return handle


def _status(error: UserError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, (TryLater, DatabaseUnavailable)):
        return 503
    return 400 if isinstance(error, InvalidInput) else 409
