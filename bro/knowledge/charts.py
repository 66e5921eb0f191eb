"""Geometry of the knowledge × conformance scatter: plain numbers for the SVG in knowledge/_scatter.html.

Each point is a step of the standard (the team's pooled rates) with its 95 % intervals as whiskers; the
threshold lines split the plot into the four quadrants.
"""
from __future__ import annotations

from dataclasses import dataclass

from bro.quality.knowledge import Standing

WIDTH, HEIGHT = 560, 420
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


@dataclass(frozen=True)
class ScatterPoint:
    key: str
    label: str
    x: float
    y: float
    x_low: float
    x_high: float
    y_low: float
    y_high: float
    cell: str
    standing: Standing


@dataclass(frozen=True)
class Scatter:
    width: int
    height: int
    x0: float
    x1: float
    y0: float
    y1: float
    threshold_x: float
    threshold_y: float
    ticks: tuple[tuple[float, float, str], ...]  # (x position, y position, label) for 0..100 %
    points: tuple[ScatterPoint, ...]


def _x(share: float) -> float:
    return LEFT + share * (WIDTH - LEFT - RIGHT)


def _y(share: float) -> float:
    return HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)


def scatter(points: list[tuple[str, str, Standing]], knowledge_threshold: float,
            conformance_threshold: float) -> Scatter:
    """``points``: (step key, label, pooled standing) of the steps to draw (those with both rates)."""
    marks = []
    for key, label, found in points:
        k, c = found.knowledge, found.conformance
        if not k.n or not c.n:
            continue
        marks.append(ScatterPoint(key, label, round(_x(k.rate), 1), round(_y(c.rate), 1), round(_x(k.low), 1),
                                  round(_x(k.high), 1), round(_y(c.low), 1), round(_y(c.high), 1), found.cell,
                                  found))
    ticks = tuple((round(_x(v / 100), 1), round(_y(v / 100), 1), f"{v} %") for v in range(0, 101, 20))
    return Scatter(WIDTH, HEIGHT, _x(0), _x(1), _y(0), _y(1), round(_x(knowledge_threshold), 1),
                   round(_y(conformance_threshold), 1), ticks, tuple(marks))
