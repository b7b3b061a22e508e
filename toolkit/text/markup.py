"""A web page saved as a text file: its text, without markup, scripts or styles (stdlib ``html.parser``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A whole page: an XML declaration or comments, then <!DOCTYPE html> or <html>. Text with a tag or two in it
# is left as it is.
_PAGE = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_SKIPPED = {"head", "script", "style", "noscript", "template", "svg", "math", "object"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "table", "td", "th", "tr", "ul",
}  # fmt: skip
_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def is_page(text: str) -> bool:
    """Whether ``text`` is a whole HTML page (a browser's "save as" renamed to .txt)."""
    return bool(_PAGE.match(text))


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "body":
            self.skipping.clear()  # a head left open ends where the body begins
        elif tag in _SKIPPED:
            self.skipping.append(tag)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:
            del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag) :]
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(_SPACE.sub(" ", data))  # line breaks in a page's source are spaces, as a browser shows them


def page_text(text: str) -> str:
    """The text a browser shows of the page ``text``: one line per paragraph, heading, list item or table row,
    character references resolved; the head, scripts and styles left out."""
    parser = _PageText()
    parser.feed(text)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
