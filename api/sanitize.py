"""Rich text sanitising with nh3: allowlisted tags, only http/https/mailto links."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "b", "strong", "i", "em", "u", "s", "sub", "sup", "blockquote", "code", "pre",
    "h2", "h3", "h4", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """Sanitised HTML: unknown tags dropped, scripts and styles removed with their content, safe links only."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(text: str) -> str:
    """Text with every tag removed and entities decoded, repeated until nothing tag-like is left."""
    for _ in range(5):
        stripped = html.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))
        if stripped == text:
            break
        text = stripped
    return text.strip()


_TAG = re.compile(r"(<[^>]*>)")
_URL = re.compile(r"\b(https?://[^\s<>\"']+|www\.[^\s<>\"']+)", re.IGNORECASE)
_TRAILING = ".,;:!?)»"


def _link(match: re.Match[str]) -> str:
    url = match.group(1)
    tail = ""
    while url and url[-1] in _TRAILING:
        tail = url[-1] + tail
        url = url[:-1]
    href = url if url.lower().startswith("http") else f"https://{url}"
    return f'<a href="{href}">{url}</a>{tail}'


def linkify_html(html: str) -> str:
    """Sanitised HTML in which bare web addresses of the text became links (rel="noopener noreferrer nofollow")."""
    cleaned = clean_html(html)
    out: list[str] = []
    in_link = 0
    for part in _TAG.split(cleaned):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(maxsplit=1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name == "a":
                in_link += -1 if part.startswith("</") else 1
            out.append(part)
        elif in_link <= 0:
            out.append(_URL.sub(_link, part))
        else:
            out.append(part)
    return clean_html("".join(out))
