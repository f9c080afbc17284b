"""Figures over time as a picture: every claim about one quantity, drawn as a PNG.

One series per originator (colour), marker shape by status, and the source's hedge drawn on
the point: an arrow up for a floor ("at least", "more than"), an arrow down for a ceiling
("up to", "as many as"), a band for a range. Matplotlib's object API on the Agg canvas is
used (never pyplot's global state), so a chart can be drawn in a worker thread, off the
event loop; the same data always gives the same bytes.
"""

from __future__ import annotations

import io
import textwrap
from datetime import date

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from bot.domain.claims import Qualifier
from bot.domain.entries import Status
from bot.domain.figures import FigureGroup, TrackedClaim, claim_date, claimant
from bot.domain.text_safety import without_hidden

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100
MAX_DATE_TICKS = 8
# Dates are plotted as days since this day (matplotlib's own default epoch).
EPOCH = date(1970, 1, 1)
MARKERS: dict[Status, str] = {
    Status.CONFIRMED: "o",
    Status.REPORTED: "s",
    Status.UNCONFIRMED: "D",
    Status.DISPUTED: "X",
    Status.DENIED: "x",
}
# Colour-blind-safe palette (Okabe–Ito), one colour per originator in order of appearance.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# Fixed metadata: no version or time stamp in the file, so equal data gives equal bytes.
_PNG_METADATA = {"Software": None}


def chart_png(group: FigureGroup) -> bytes:
    """The PNG chart of every claim in ``group`` over time."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    claims = sorted(group.claims, key=lambda c: (c.event_date, c.figure.value))
    colours = _colours(claims)
    span = _value_span(claims)
    for claim in claims:
        _draw_claim(axes, claim, colours[claim.figure.originator], span)
    _decorate(axes, group, claims, colours)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    figure.text(0.01, 0.015, _key(claims), fontsize=8, color="#333333")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata=_PNG_METADATA)
    return out.getvalue()


def chart_alt_text(group: FigureGroup) -> str:
    """What the chart shows, in words, for readers who cannot see it."""
    claims = sorted(group.claims, key=lambda c: (c.event_date, c.figure.value))
    points = "; ".join(
        f"{claim_date(c)}: {c.figure.display} — {claimant(c.figure)}, {c.figure.status.label}"
        f" ({_shape(c)})"
        for c in claims
    )
    return f"Chart of {group.counts} over time, one point per claim. {points}."


def _shape(claim: TrackedClaim) -> str:
    q = claim.figure.qualifier
    if q is Qualifier.RANGE:
        return "drawn as a band"
    if q.direction > 0:
        return "arrow up: the number may be higher"
    if q.direction < 0:
        return "arrow down: the number may be lower"
    return "approximate" if q is Qualifier.ABOUT else "a point"


def _colours(claims: list[TrackedClaim]) -> dict[str, str]:
    colours: dict[str, str] = {}
    for claim in claims:
        colours.setdefault(claim.figure.originator, PALETTE[len(colours) % len(PALETTE)])
    return colours


def _value_span(claims: list[TrackedClaim]) -> float:
    values = [c.figure.value for c in claims] + [c.figure.high or 0 for c in claims]
    return (max(values) - min(0.0, min(values))) or max(values) or 1.0


def _draw_claim(axes: Axes, claim: TrackedClaim, colour: str, span: float) -> None:
    f = claim.figure
    x = _day(claim.event_date)
    if f.qualifier is Qualifier.RANGE and f.high is not None:
        axes.fill_between([x - 0.3, x + 0.3], f.value, f.high, color=colour, alpha=0.25, lw=0)
        axes.vlines(x, f.value, f.high, colors=colour, linewidth=2)
    direction = f.qualifier.direction
    if direction:
        axes.annotate(
            "",
            xy=(x, f.value + direction * span * 0.18),
            xytext=(x, f.value),
            arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.8},
        )
    axes.plot(
        [x],
        [f.value],
        marker=MARKERS[f.status],
        markersize=10,
        color=colour,
        markeredgecolor="black",
        linestyle="none",
    )
    label = _plain(f.display if f.qualifier is not Qualifier.ABOUT else f"≈ {f.display}")
    axes.annotate(
        label, (x, f.value), xytext=(8, -4), textcoords="offset points", fontsize=9, color=colour
    )


def _decorate(
    axes: Axes, group: FigureGroup, claims: list[TrackedClaim], colours: dict[str, str]
) -> None:
    title = "\n".join(textwrap.wrap(_plain(group.counts), 70)[:2])
    axes.set_title(title, fontsize=11)
    unit = next((c.figure.unit for c in claims if c.figure.unit), "")
    axes.set_ylabel(_plain(unit) or "value")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
    days = sorted({c.event_date for c in claims})
    axes.set_xlim(_day(days[0]) - 3, _day(days[-1]) + 3)
    step = -(-len(days) // MAX_DATE_TICKS)
    shown = days[::step]
    not_stated = {c.event_date for c in claims if c.date_basis.note}
    axes.set_xticks(
        [_day(d) for d in shown],
        [f"{d:%d %b %Y}{' †' if d in not_stated else ''}" for d in shown],
    )
    top = max(max(c.figure.value, c.figure.high or 0) for c in claims)
    axes.set_ylim(0, top * 1.35 or 1)
    axes.grid(True, axis="y", alpha=0.3)
    for label in axes.get_xticklabels():
        label.set_rotation(20)
        label.set_horizontalalignment("right")
    who = [
        Line2D([], [], color=colour, marker="o", linestyle="none", label=_short(originator))
        for originator, colour in colours.items()
    ]
    how = [
        Line2D([], [], color="grey", marker=MARKERS[s], linestyle="none", label=s.label)
        for s in Status
        if any(c.figure.status is s for c in claims)
    ]
    axes.legend(handles=who + how, fontsize=8, loc="upper left", framealpha=0.9)


def _day(day: date) -> float:
    return float((day - EPOCH).days)


def _key(claims: list[TrackedClaim]) -> str:
    """The footnote: how hedges are drawn, and what a † on a date means."""
    parts = ["↑ at least / more than", "↓ up to / as many as / at most / fewer than"]
    if any(c.figure.qualifier is Qualifier.RANGE for c in claims):
        parts.append("band: a range")
    if any(c.date_basis.note for c in claims):
        parts.append("† date not stated by the source")
    return "   ·   ".join(parts)


def _short(text: str, limit: int = 64) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return _plain(text)


def _plain(text: str) -> str:
    """Entry text drawn as typed: matplotlib reads ``$…$`` as math (``cost $5 and $6``
    would lose its dollars, ``$\\foo$`` would fail the chart), so every ``$`` is escaped;
    hidden characters stored before they were refused are dropped."""
    return without_hidden(text).replace("$", r"\$")
