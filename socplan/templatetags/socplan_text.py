"""Plain text written by the state team, shown as paragraphs and bullet lists (escaped), and
lengths of time in words."""

from datetime import datetime, timedelta

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def paragraphs(text: str) -> SafeString:
    """Blank lines separate blocks; a block whose lines start with "- " is a bullet list."""
    html = []
    for block in (b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n")):
        if not block:
            continue
        lines = [line.strip() for line in block.splitlines()]
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return mark_safe("".join(html))  # noqa: S308 - every piece is escaped  # nosec


@register.filter
def duration(length: timedelta) -> str:
    """A length of time in words: "15 minutes", "1 hour" (not "0:15:00")."""
    start = datetime(2000, 1, 1)
    return timesince(start, start + length)
