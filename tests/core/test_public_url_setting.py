"""BRIEFBOT_PUBLIC_URL becomes links on every card: only a web address is accepted."""

from __future__ import annotations

import pytest

from .conftest import Cli


@pytest.mark.parametrize("url", ["javascript:alert(1)", 'https://x.org/"><script>'])
def test_a_public_url_that_is_not_a_web_address_is_refused(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("BRIEFBOT_PUBLIC_URL", url)
    code, out, err = cli("latest")
    assert (code, out) == (2, "")
    assert err.startswith("briefbot: setting BRIEFBOT_PUBLIC_URL: ")
    assert "http:// or https://" in err
