"""A web page saved as a text file: its text, without markup, scripts or styles (stdlib ``html.parser``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_START = re.compile(r"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)
_SKIPPED = {"head", "script", "style", "noscript", "template", "svg", "math", "object"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "table", "tr", "ul",
}  # fmt: skip
_CELLS = {"td", "th"}  # a table row's cells: one line, the cells apart
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_BLANK = re.compile(r"\s*")


def is_page(text: str) -> bool:
    """Whether ``text`` is a whole HTML page (a browser's "save as" renamed to .txt): after any XML declaration and
    comments, it starts with ``<!DOCTYPE html`` or ``<html``. Text with a tag or two in it is not one. Read from
    the start, once (no pattern that could backtrack)."""
    at = _BLANK.match(text).end()
    if text.startswith("<?xml", at):
        at = text.find(">", at) + 1 or len(text)
    while True:
        at = _BLANK.match(text, at).end()  # blank space before and between comments
        if not text.startswith("<!--", at):
            return bool(_START.match(text, at))
        end = text.find("-->", at + 4)
        if end < 0:
            return False
        at = end + 3


_TAGGED_LINE = re.compile(r"\s*</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>\n]{0,300})?/?>")


_BLOCK_TAG = re.compile(r"<(?:p|div|br|li|tr|td|h[1-6]|section|article|table|ul|ol|blockquote)[\s>/]", re.IGNORECASE)


def is_markup(text: str) -> bool:
    """Whether ``text`` is the markup of a page's body saved without its head (a scraper's output): most of its
    lines start with an HTML tag (``<p>``, ``<div class="x">``, ``</li>``), and it holds two such lines, or two
    block tags (a body saved on one line: ``<p style="...">...</p><p>...</p>``, whose style words became the
    text's most frequent tokens). A text with a tag or two in it is not."""
    lines = [line for line in text.split("\n") if line.strip()]
    tagged = sum(1 for line in lines if _TAGGED_LINE.match(line))
    if not tagged * 2 > len(lines):
        return False
    return tagged >= 2 or sum(1 for _, _ in zip(range(2), _BLOCK_TAG.finditer(text))) >= 2


_INLINE = {
    "a", "abbr", "b", "big", "cite", "code", "em", "font", "i", "img", "ins", "label", "s", "small", "span", "strike",
    "strong", "sub", "sup", "u",
}  # fmt: skip
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]{0,15})(?:\s[^<>\n]{0,300})?\s*/?>")
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def stray_markup(text: str) -> tuple[str, int, int]:
    """``text`` (plain text, not a page: :func:`is_page`, :func:`is_markup`) without the HTML a copy from a web
    page leaves in it: character references that HTML knows (``&nbsp;``, ``&ldquo;``, ``&#8220;``: each ends with
    its semicolon) resolved, and tags of HTML's elements taken out, a block's (``<br>``, ``<p>``) as a line break,
    a cell's as a space, an inline one's (``<span>``, ``<b>``) as nothing; ``<`` and ``&`` that are no such
    markup are kept. Returns the text, the references resolved and the tags taken out (``ldquo`` and ``nbsp`` were
    top words of a theme, and ``数字&nbsp;经济`` lost 数字经济)."""
    import html

    references = tags = 0

    def resolve(match: re.Match) -> str:
        nonlocal references
        resolved = html.unescape(match[0])
        references += resolved != match[0]
        return resolved

    def take(match: re.Match) -> str:
        nonlocal tags
        name = match[1].lower()
        if name in _BLOCKS:
            tags += 1
            return "\n"
        if name in _CELLS or name in _INLINE:
            tags += 1
            return " " if name in _CELLS else ""
        return match[0]

    if "&" in text:  # first: a text escaped twice (&lt;p&gt;) holds its tags as references
        text = _REFERENCE.sub(resolve, text)
    if "<" in text:
        text = _TAG.sub(take, text)
    return text, references, tags


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []
        self.preformatted = 0  # inside <pre>: its line breaks are the text's

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "body":
            self.skipping.clear()  # a head left open ends where the body begins
        elif tag in _SKIPPED:
            self.skipping.append(tag)
        elif tag in _BLOCKS:
            self.parts.append("\n")
            self.preformatted += tag == "pre"
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:
            del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag) :]
        elif tag in _BLOCKS:
            self.parts.append("\n")
            self.preformatted -= tag == "pre" and self.preformatted > 0

    def handle_data(self, data: str) -> None:
        if not self.skipping:  # line breaks in a page's source are spaces, as a browser shows them (but in <pre>)
            self.parts.append(data if self.preformatted else _SPACE.sub(" ", data))


def page_text(text: str) -> str:
    """The text a browser shows of the page ``text``: one line per paragraph, heading, list item or table row (its
    cells apart), the lines of ``<pre>`` kept, character references resolved; the head, scripts and styles left
    out."""
    parser = _PageText()
    parser.feed(text)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
