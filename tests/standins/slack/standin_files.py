"""The stand-in's files: ``files.info`` answers and downloads on the stand-in's own origin.

A file is stored as ``files[id] = (name, bytes)``; ``file_fields[id]`` adds or overrides
fields of its ``files.info`` object (who uploaded it, where it was shared, ``is_external``, a
``url_private`` elsewhere…), and ``file_redirects[id]`` makes its download answer a redirect.
Every download request is recorded in ``downloads``, so tests can assert there was none.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

BOT_TOKEN = "xoxb-test-bot-token"


class SlackFiles:
    """Mixed into :class:`~tests.standins.slack.standin.SlackStandIn`, which holds the fields."""

    url: str
    files: dict[str, tuple[str, bytes]]
    file_fields: dict[str, dict[str, Any]]
    file_redirects: dict[str, str]
    downloads: list[str]

    def share_file(self, fid: str, name: str, data: bytes, *, user: str, channel: str) -> None:
        """``user`` uploads ``name`` and shares it in ``channel`` (as Slack records it)."""
        self.files[fid] = (name, data)
        self.file_fields[fid] = {"user": user, "channels": [channel]}

    def file_url(self, fid: str) -> str:
        return f"{self.url}/files-pri/{fid}/{self.files[fid][0]}"

    async def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        fid = str(args.get("file"))
        if fid not in self.files:
            return {"ok": False, "error": "file_not_found"}
        name, data = self.files[fid]
        hosted = {
            "id": fid,
            "name": name,
            "size": len(data),
            "mode": "hosted",
            "is_external": False,
            "channels": [],
            "groups": [],
            "ims": [],
            "url_private": self.file_url(fid),
            "url_private_download": self.file_url(fid),
        }
        return {"ok": True, "file": {**hosted, **self.file_fields.get(fid, {})}}

    async def _download(self, request: web.Request) -> web.Response:
        fid = request.match_info["fid"]
        self.downloads.append(fid)
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            # What Slack does: a sign-in page, not an error status.
            return web.Response(text="<html>Sign in to Slack</html>", content_type="text/html")
        if fid in self.file_redirects:
            raise web.HTTPFound(self.file_redirects[fid])
        _, data = self.files[fid]
        return web.Response(body=data, content_type="application/octet-stream")
