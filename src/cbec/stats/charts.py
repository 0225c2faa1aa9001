"""Small inline SVG charts for the printable report (generated on the server: no script, no CDN).

Each function returns a :class:`markupsafe.Markup` SVG element; every text it contains is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

__all__ = ["bar_chart", "hbar_chart"]

_FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif"'
_BAR = "#3b6ea8"


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" {_FONT} font-size="11">'
    )


def _nice_max(value: float) -> float:
    """A round number at least ``value`` for the top of the axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def _short(value: float) -> str:
    """An axis number in 万 / 亿 when large."""
    if value >= 1e8:  # noqa: PLR2004
        return f"{value / 1e8:.4g}亿"
    if value >= 1e4:  # noqa: PLR2004
        return f"{value / 1e4:.4g}万"
    return f"{value:.6g}"


def bar_chart(
    points: Sequence[tuple[str, Decimal | int | None]],
    *,
    title: str,
    width: int = 720,
    height: int = 220,
    every: int = 1,
) -> Markup:
    """Vertical bars, one per point (label under every ``every``-th bar)."""
    left, right, top, bottom = 56, 10, 26, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v or 0) for _label, v in points]
    top_value = _nice_max(max(values, default=0))
    n = max(len(points), 1)
    slot = plot_w / n
    parts = [
        _open(width, height, title),
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        tick = escape(_short(top_value * i / 4))
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, ((label, _raw), value) in enumerate(zip(points, values, strict=True)):
        h = plot_h * value / top_value
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{_BAR}">'
            f"<title>{escape(label)}: {escape(_short(value))}</title></rect>"
        )
        if i % max(every, 1) == 0:
            parts.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def hbar_chart(
    points: Sequence[tuple[str, Decimal | int | None]], *, title: str, width: int = 720, bar: int = 18
) -> Markup:
    """Horizontal bars with their labels (a ranking)."""
    label_w, right, top = 200, 80, 26
    height = top + bar * len(points) + 10
    plot_w = width - label_w - right
    values = [float(v or 0) for _label, v in points]
    top_value = max(values, default=0) or 1.0
    parts = [
        _open(width, height, title),
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, ((label, _raw), value) in enumerate(zip(points, values, strict=True)):
        y = top + i * bar
        w = plot_w * value / top_value
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">{escape(label[:24])}</text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{bar - 4}" fill="{_BAR}"/>')
        parts.append(
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar * 0.7:.1f}">{escape(_short(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
