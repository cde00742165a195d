"""The system of care map as a server-side SVG (and PNG), grouped by system.

Placeholder: the real layout is being written (issue 5).
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.maps import MapData


def render_map(data: MapData, *, title: str, desc: str = "") -> SafeString:
    return mark_safe(  # noqa: S308
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 100 100">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc></svg>"
    )


def to_png(svg: str, scale: float = 2.0) -> bytes:
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode(), scale=scale)
