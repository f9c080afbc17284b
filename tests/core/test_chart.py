"""The figures chart: rendered for real, then checked as an image."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from pathlib import Path

from PIL import Image

from bot.domain.entries import Figure, FigureClaim, Status
from bot.domain.figures import group_claims
from bot.rendering.chart import DPI, HEIGHT_IN, PALETTE, WIDTH_IN, chart_alt_text, chart_png
from bot.service import BriefingService

from .conftest import BRIEFS, Cli
from .test_import_export import import_folder

SUBJECT = "nk-troops-in-russia"


def _colours(png: bytes) -> Counter[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return Counter({colour: count for count, colour in image.getcolors(1 << 20) or []})


async def test_the_chart_draws_every_claim_and_is_the_same_for_the_same_data(
    service: BriefingService,
) -> None:
    await import_folder(service, BRIEFS)
    (group,) = (await service.figures(SUBJECT)).groups

    png = chart_png(group)

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    colours = _colours(png)
    assert len(colours) > 50, "not a blank image"
    for originator_colour in PALETTE[:2]:  # the NIS series and the Ukrainian sources' series
        rgb = tuple(int(originator_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert colours[rgb] > 30, f"no {originator_colour} drawn"
    assert chart_png(group) == png, "same data, same bytes"


async def test_the_text_alternative_says_what_the_chart_shows(service: BriefingService) -> None:
    await import_folder(service, BRIEFS)
    (group,) = (await service.figures(SUBJECT)).groups

    assert chart_alt_text(group) == (
        "Chart of North Korean troops deployed to Russia over time, one point per claim. "
        "18 Oct 2024, date from public record: at least 1,500 — South Korea's National "
        "Intelligence Service (NIS) (relayed by President Yoon Suk Yeol), Confirmed (arrow up: "
        "the number may be higher); 19 Oct 2024, date inferred by the editor: as many as 12,000"
        " — Unnamed Ukrainian military sources, Unconfirmed claim (arrow down: the number may "
        "be lower)."
    )


def test_briefbot_figures_chart_writes_the_png(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "troops.png"

    code, out, err = cli("figures", "--subject", SUBJECT, "--chart", str(target))

    assert code == 0, err
    assert "at least 1,500" in out
    assert err == f"Chart written to {target}\n"
    assert Image.open(target).size == (800, 450)


def test_a_chart_needs_one_subject(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("figures", "--chart", str(tmp_path / "all.png"))

    assert code == 1
    assert err == "briefbot: --chart draws one quantity: give --subject too\n"
    assert not (tmp_path / "all.png").exists()


def test_entry_text_that_looks_like_math_is_drawn_as_typed() -> None:
    """Matplotlib reads ``$…$`` as math: "$\\foo{$" would fail the chart, and "cost $5 and
    $6" would lose its dollars."""
    for text in ("$\\foo{$ bar", "cost $5 and $6", "a $^$ b"):
        figure = Figure(5e9, "$5 billion", text, "usd", text, Status.REPORTED, unit=text)
        (group,) = group_claims([FigureClaim(figure, "slug", "Title", date(2024, 1, 1))])

        png = chart_png(group)

        assert Image.open(io.BytesIO(png)).size == (800, 450)
