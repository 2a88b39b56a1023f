"""Rich text sanitising with nh3: allowlisted tags, only http/https/mailto links."""

from __future__ import annotations

import html

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
