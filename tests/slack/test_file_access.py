"""Where the bot token may go in production: Slack's file host over https, nothing else."""

from __future__ import annotations

import pytest

from bot.adapters.slack.errors import UserFacingError
from bot.adapters.slack.file_access import Origin, download_url, file_origin

SLACK = "https://slack.com/api/"
GOV = "https://slack-gov.com/api/"
GOOD = "https://files.slack.com/files-pri/T0TEAM001-F0FILE0001/download/brief.md"


def test_slacks_api_serves_files_from_its_file_host_only() -> None:
    assert file_origin(SLACK) == Origin("https", "files.slack.com", 443)
    assert file_origin(GOV) == Origin("https", "files.slack-gov.com", 443)
    # A configured stand-in serves files itself, on exactly its own origin.
    assert file_origin("http://127.0.0.1:8123/api/") == Origin("http", "127.0.0.1", 8123)


def test_a_file_on_slacks_file_host_is_fetched() -> None:
    url = download_url({"url_private_download": GOOD}, file_origin(SLACK))
    assert str(url) == GOOD
    gov = GOOD.replace("files.slack.com", "files.slack-gov.com")
    assert str(download_url({"url_private": gov}, file_origin(GOV))) == gov


@pytest.mark.parametrize(
    "url",
    [
        GOOD.replace("https://", "http://"),  # plain http: the token would cross in clear
        GOOD.replace("files.slack.com", "files.slack.com:8443"),
        GOOD.replace("files.slack.com", "files.slack.com.evil.example"),
        GOOD.replace("files.slack.com", "evil.example"),
        GOOD.replace("files.slack.com", "slack.com"),
        GOOD.replace("https://", "https://files.slack.com@evil.example/x?"),
        GOOD.replace("https://", "https://user:pass@"),
        "https://files.slack.com/api/auth.test",  # Slack's host, but not a file
        "https://files.slack.com\\@evil.example/files-pri/x",
        "//evil.example/files-pri/x",
        "",
    ],
)
def test_anything_else_is_refused(url: str) -> None:
    with pytest.raises(UserFacingError, match="not on Slack's file server"):
        download_url({"url_private_download": url}, file_origin(SLACK))
