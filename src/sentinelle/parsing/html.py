"""HTML as a reader sees it, shared by the e-mail and web page parsers: text, links, forms and pictures.

Rendered with selectolax (Lexbor). Built for hostile input: a document nested too deep for the tree builder
(whose cost grows with the square of the nesting) is recognised by a linear scan of its tags and flattened
before parsing; attribute URLs are read the way browsers read them (blanks and inner newlines removed,
``<base href>`` applied); strings that cannot be encoded (lone surrogates) are repaired, never raised on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from posixpath import basename
from typing import cast
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["BREAK", "HtmlView", "base_href", "collapse", "deepest", "displayed_text", "fix_surrogates",
           "flatten_html", "html_depth", "html_to_text", "mark_breaks", "parse_html", "render_tree", "resolve_url"]

# HTML rendering: block elements start a new line, table cells are separated by a space. The sentinel
# marks "line break here" through selectolax's text extraction, which otherwise glues blocks together;
# it is removed from the input first, so only our breaks survive.
_BREAK = "\x0b"
_BLOCK_TAGS = ("p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "dt",
               "dd", "blockquote", "pre", "hr", "section", "article", "header", "footer", "center", "address",
               "form", "fieldset", "nav", "aside", "main", "figure", "figcaption", "caption", "tbody",
               "thead")


def _tag_id(name: str) -> int:
    """Lexbor's number for a standard tag name (what ``LexborNode.tag_id`` returns for that element)."""
    return int(LexborHTMLParser("").create_node(name).tag_id)


_BLOCK_IDS = frozenset(_tag_id(name) for name in _BLOCK_TAGS)
_BR_ID = _tag_id("br")
_CELL_IDS = frozenset((_tag_id("td"), _tag_id("th")))
_IMG_ID = _tag_id("img")
_INPUT_ID = _tag_id("input")
_DROPPED_TAGS = ["script", "style", "head", "template", "title", "object", "embed", "applet"]
_URL_JUNK = str.maketrans("", "", "\t\r\n")
# HTML nesting guard. The HTML tree builder checks the open-element stack at many start tags (a <div>
# closes an open <p> "in button scope"), so N nested blocks cost N^2: 100,000 <blockquote> took 80 s in
# lexbor. Below _FEW_TAGS tags the worst case stays under a second and nothing is checked; above, the
# nesting is estimated by a linear scan of the tags and a deep document is flattened before parsing.
_FEW_TAGS = 10_000
_NO_NESTING = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                         "source", "track", "wbr", "p", "li", "td", "th", "tr", "option", "dt", "dd", "tbody",
                         "thead", "tfoot", "colgroup", "optgroup", "rb", "rt", "rp", "html", "head", "body"])
# A tag that nests: "<" or "</" then a letter, the name (letters and digits) not one of _NO_NESTING. Case folded
# in the names only (a case-blind pattern loses the fast search for "<"), and ASCII only: Unicode folding would
# let [a-z] match the Kelvin sign.
_NESTING_TAG = re.compile(r"<(/?)(?!(?i:" + "|".join(sorted(_NO_NESTING)) + r")(?![a-zA-Z0-9]))[a-zA-Z]", re.ASCII)
_STEP = {"": 1, "/": -1}
_HIDDEN_ELEMENT = re.compile(r"<(script|style)(?=[\s/>])", re.IGNORECASE)
_FLAT_BLOCK = re.compile(r"</?(?:" + "|".join(_BLOCK_TAGS) + r"|br|td|th)(?=[\s/>])[^>]{0,2000}>",
                         re.IGNORECASE)
_FLAT_OTHER = re.compile(r"</?(?!(?:a|area|img|form|base|meta|br)[\s/>])[a-zA-Z][^>]{0,2000}>", re.IGNORECASE)
_OTHER_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
_MAX_DISPLAYED = 500


@dataclass(slots=True)
class HtmlView:
    """What an HTML part shows and where it points (hrefs already resolved against ``<base href>``)."""

    text: str
    anchors: list[tuple[str, str]] = field(default_factory=list)  # (href, displayed text)
    forms: list[str] = field(default_factory=list)  # form actions
    # per form action: False for a form that takes no more than an address to subscribe with or words to search
    # for (a newsletter's own subscription or search box); True otherwise, and always when the tree was flattened
    form_collects: list[bool] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # remote image sources
    refreshes: list[str] = field(default_factory=list)  # <meta http-equiv=refresh> targets
    skipped: int = 0  # targets beyond ``max_targets``, counted but not read


def html_to_text(html: str, *, max_targets: int = 10_000, flatten: bool = False) -> HtmlView:
    """Render HTML the way a mail client shows it: visible text with line breaks, plus its links.

    Scripts, styles and the head are dropped (a mail client never shows or runs them); block elements and
    ``<br>`` become line breaks so that line-based locations and sentence cues keep working. At most
    ``max_targets`` anchors, forms and images each are read. ``flatten`` first removes the structure
    (``flatten_html``), for documents too deep for the HTML tree builder.
    """
    return render_tree(parse_html(html, flatten=flatten), max_targets=max_targets, flatten=flatten)


def parse_html(html: str, *, flatten: bool = False) -> LexborHTMLParser:
    """The document tree of ``html`` (repaired strings, NULs removed, flattened first when asked).

    The parser reads UTF-8 bytes: the encoding that proves the string clean (no lone surrogate) is the one
    handed to it, rather than checking, then letting selectolax encode the document a second time.
    """
    if flatten:
        html = _fix_surrogates(html).replace("\x00", "").replace(_BREAK, " ")
        return LexborHTMLParser(flatten_html(html, marker=_BREAK))
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:
        data = _fix_surrogates(html).encode("utf-8")
    return LexborHTMLParser(data.replace(b"\x00", b"").replace(_BREAK.encode(), b" "))


def render_tree(tree: LexborHTMLParser, *, max_targets: int = 10_000, flatten: bool = False,
                base: str | None = None) -> HtmlView:
    """The text and targets of a parsed document (``html_to_text`` after ``parse_html``); alters the tree.

    Relative addresses are resolved against the document's ``<base href>``, else against ``base`` (the
    address a web page was served from).
    """
    base = _base_href(tree) or base
    view = HtmlView(text="", refreshes=_meta_refreshes(tree, base))
    tree.strip_tags(_DROPPED_TAGS)
    root = tree.root
    if root is None:
        return view
    anchors, forms, images = _walk(root, mark=not flatten)
    _collect_targets(anchors, forms, images, base, view, max_targets, flatten)
    view.text = _collapse(root.text(separator=""))
    return view


_BREAK_BYTES = _BREAK.encode()
# What the walk does at an element, by lexbor tag id (one look-up for the many elements that need nothing,
# ``<span>``...): the text inserted before and after it when breaks are marked (None: nothing), and for the
# elements that carry a target, the attribute read and the list it goes to (0 anchors, 1 form actions, 2 images;
# ``<input src>`` is a picture button). A ``<form>`` is both a block and a target.
_Action = tuple[bytes | None, bytes | None, str | None, int]
_TARGETS = {_tag_id("a"): ("href", 0), _tag_id("area"): ("href", 0), _tag_id("form"): ("action", 1),
            _tag_id("img"): ("src", 2), _tag_id("input"): ("src", 2)}
_MARKS = {**{tag: (_BREAK_BYTES, _BREAK_BYTES) for tag in _BLOCK_IDS}, _BR_ID: (None, _BREAK_BYTES),
          **{tag: (None, b" ") for tag in _CELL_IDS}}
_ACTIONS: dict[int, _Action] = {
    tag: (*_MARKS.get(tag, (None, None)), *_TARGETS.get(tag, (None, 0))) for tag in {*_MARKS, *_TARGETS}}
_ABSENT = object()  # an attribute's default: present but empty attributes read as None


def _text_inserter(method: Callable[..., None]) -> Callable[[LexborNode, bytes], None]:
    """``LexborNode.insert_before`` or ``insert_after`` for UTF-8 text, called without selectolax's type dispatch.

    Both methods are Cython fused functions (text, bytes or a node): each call first picks the version for its
    argument's type, which cost more than the insertion itself (about 300 ns a call against 135 ns for the bytes
    version, measured on the corpus's 215,000 break marks). The bytes version is the same code without the
    encoding of the text. A selectolax without that version keeps the plain method.
    """
    try:
        return cast("Callable[[LexborNode, bytes], None]", method["bytes"])  # type: ignore[index]
    except (TypeError, KeyError):
        return method


_insert_before = _text_inserter(LexborNode.insert_before)
_insert_after = _text_inserter(LexborNode.insert_after)
_Found = list[tuple[LexborNode, str | None]]


def _walk(root: LexborNode, *, mark: bool) -> tuple[_Found, _Found, _Found]:
    """One walk of the elements: break marks inserted (``_mark_breaks``) when ``mark``, and the elements that
    carry a target (attribute present, even empty: counted against the limit) gathered in document order, with
    the attribute's value.

    The walk replaces five CSS queries (blocks, ``br``, cells, then anchors, forms and images), each a walk of
    its own; lexbor tests every selector of a list at every element, so the 35 block names cost most. A text
    node inserted before or after the current element is never visited (the walk yields elements only), and
    the order of insertions does not change the tree (each one sits right against its own element).
    """
    found: tuple[_Found, _Found, _Found] = ([], [], [])
    actions = _ACTIONS
    for node in root.traverse():
        action = actions.get(node.tag_id)
        if action is None:
            continue
        before, after, name, kind = action
        if mark:
            if before is not None:
                _insert_before(node, before)
            if after is not None:
                _insert_after(node, after)
        if name is not None:
            value = node.attrs.get(name, _ABSENT)  # one read: ``in`` would read (and decode) the value too
            if value is not _ABSENT:
                found[kind].append((node, cast("str | None", value)))
    return found


def _collect_targets(anchors: _Found, forms: _Found, images: _Found, base: str | None, view: HtmlView, limit: int,
                     flatten: bool) -> None:
    """Anchors (with their displayed text, read once every break is marked), form actions and remote images,
    ``limit`` of each at most."""
    view.skipped = sum(max(0, len(found) - limit) for found in (anchors, forms, images))
    for node, value in anchors[:limit]:
        href = _resolve(value, base)
        if href:
            view.anchors.append((href, _displayed_text(node)))
    for node, value in forms[:limit]:
        action = _resolve(value, base)
        if action:
            view.forms.append(action)
            view.form_collects.append(flatten or _collects_data(node))
    for _, value in images[:limit]:
        src = _resolve(value, base)
        if src and src[:8].lower().startswith(("http://", "https://")):
            view.images.append(src)


def _deepest(opens: Iterable[bool], limit: int) -> int:
    """Deepest nesting reached by a stream of opening (True) and closing (False) events; stops past ``limit``."""
    depth = deepest = 0
    for is_open in opens:
        if not is_open:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _fix_surrogates(value: str) -> str:
    """Strings with raw 8-bit bytes (kept as surrogates by the parser) or lone surrogates made clean.

    Raw header bytes are decoded as UTF-8 (what modern senders mean), else Windows-1252. Lone surrogates
    (UTF-7 can produce them) become U+FFFD: every string leaving the parser must encode to UTF-8.
    """
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    raw = value.encode("utf-8", errors="surrogateescape") if _only_escapes(value) else None
    if raw is not None:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
    return value.encode("utf-16", errors="surrogatepass").decode("utf-16", errors="replace")


def _only_escapes(value: str) -> bool:
    """True when every surrogate in ``value`` is a surrogateescape'd byte (U+DC80..U+DCFF)."""
    return _OTHER_SURROGATE.search(value) is None


def _html_depth(html: str, limit: int) -> int:
    """Estimated element nesting of an HTML document (0 when it has too few tags to matter).

    Void elements and elements whose end tag is implied (``p``, ``li``, ``td``...) do not count, so that
    sloppy but flat HTML is not mistaken for deep HTML; stray ``<`` in scripts only make the estimate high.
    """
    if html.count("<") <= _FEW_TAGS:
        return 0
    # The regex itself skips the tags that do not nest and hands back 1 (start tag) or -1 (end tag) per tag, and
    # the running depth is summed in C: no Python code runs per tag (a third of the cost on the corpus's largest
    # documents). The depth is clamped at 0 (a stray end tag closes nothing); when the running sum never goes
    # below 0 there was nothing to clamp, else ``_deepest`` replays the events.
    steps = list(map(_STEP.__getitem__, _NESTING_TAG.findall(html)))
    depths = list(accumulate(steps))
    if depths and min(depths) >= 0:
        return min(max(depths), limit + 1)
    return _deepest((step > 0 for step in steps), limit)


def flatten_html(html: str, *, marker: str = "<br>") -> str:
    """HTML without its structure, for documents too deep to parse safely (linear time).

    Scripts and styles go with their content, block tags become ``marker`` (a line break), other tags are
    dropped except links, images and forms, so the text and the targets survive.
    """
    html = _drop_hidden_elements(html)
    html = _FLAT_BLOCK.sub(marker, html)
    return _FLAT_OTHER.sub("", html)


def _drop_hidden_elements(html: str) -> str:
    """``<script>`` and ``<style>`` elements removed with their content (one forward pass)."""
    lower = html.lower()
    out: list[str] = []
    pos = 0
    while (match := _HIDDEN_ELEMENT.search(html, pos)) is not None:
        out.append(html[pos:match.start()])
        end = lower.find("</" + match.group(1).lower(), match.end())
        if end == -1:
            return "".join(out)
        close = lower.find(">", end)
        pos = len(html) if close == -1 else close + 1
    out.append(html[pos:])
    return "".join(out)


def _collapse(text: str) -> str:
    """White space collapsed to single spaces; our break marks become line breaks, empty lines dropped.

    ``str.split()`` runs in C and also folds no-break and other Unicode spaces (NFKC would anyway). Most chunks
    are blank (the marks of nested and adjacent blocks meet, four in five on the corpus): ``isspace`` passes over
    them without building a list, and the comprehension spares a method call per line.
    """
    return "\n".join([" ".join(chunk.split()) for chunk in text.split(_BREAK) if chunk and not chunk.isspace()])


def _mark_breaks(tree: LexborHTMLParser) -> None:
    """Insert the break sentinel around block elements and after ``<br>``; a space after table cells."""
    if tree.root is not None:
        _walk(tree.root, mark=True)


def _displayed_text(anchor: LexborNode) -> str:
    """What the reader sees for a link: its text, or for an image link the image's alt, title or name."""
    text = " ".join(anchor.text(separator="").split())
    if text:
        return text[:_MAX_DISPLAYED]
    for img in anchor.traverse():  # ``img, input[src]`` in document order, without building a CSS engine
        tag = img.tag_id
        if tag != _IMG_ID and tag != _INPUT_ID:
            continue
        attrs = img.attrs
        if tag == _INPUT_ID and "src" not in attrs:
            continue
        for key in ("alt", "title"):
            value = (attrs.get(key) or "").strip()
            if value:
                return " ".join(value.split())[:_MAX_DISPLAYED]
        src = (attrs.get("src") or "").strip()
        if src:
            try:
                name = basename(urlsplit(src).path)
            except ValueError:
                name = ""
            if name:
                return unquote(name)[:_MAX_DISPLAYED]
    title = (anchor.attrs.get("title") or "").strip()
    return " ".join(title.split())[:_MAX_DISPLAYED]


def _resolve(value: str | None, base: str | None) -> str | None:
    """An attribute URL as a browser reads it: outer blanks and inner tabs/newlines removed, base applied."""
    if not value:
        return None
    url = value.strip()
    if "\n" in url or "\t" in url or "\r" in url:  # rare; str.translate costs ~2 us a URL even with none
        url = url.translate(_URL_JUNK)
    if not url:
        return None
    if url.startswith("//"):
        return "https:" + url
    if base and ":" not in url.split("/", 1)[0]:
        try:
            return urljoin(base, url)
        except ValueError:
            return None
    return url


def _base_href(tree: LexborHTMLParser) -> str | None:
    """The document's ``<base href>`` (the first ``base`` element with the attribute), when it is absolute.

    Elements are found by tag name (``tags``), not by a CSS query: the first CSS query of a document builds a
    CSS parser and selector engine for it, which cost more than the query (most documents need no other).
    """
    for node in tree.tags("base"):
        value = node.attrs.get("href", _ABSENT)
        if value is not _ABSENT:
            href = _resolve(cast("str | None", value), None)
            return href if href and "://" in href[:16] else None
    return None


def _meta_refreshes(tree: LexborHTMLParser, base: str | None) -> list[str]:
    """Targets of ``<meta http-equiv="refresh" content="0; url=...">`` (redirects in HTML attachments)."""
    out: list[str] = []
    for node in tree.tags("meta"):
        attrs = node.attrs
        if (attrs.get("http-equiv") or "").strip().lower() != "refresh":  # absent, empty or another value
            continue
        content = attrs.get("content") or ""
        _, sep, target = content.partition("=") if "url" in content.lower() else ("", "", "")
        target = target.strip().strip("'\"")
        url = _resolve(target, base) if sep else None
        if url:
            out.append(url)
    return out


# Public names (the underscored ones stay for the modules that used them before the move).
BREAK = _BREAK
base_href = _base_href
collapse = _collapse
deepest = _deepest
displayed_text = _displayed_text
fix_surrogates = _fix_surrogates
html_depth = _html_depth
mark_breaks = _mark_breaks
resolve_url = _resolve


# Inputs that take nothing personal: buttons, hidden state, choices; an e-mail address to subscribe or unsubscribe
# with, a search box and the reader's name are what a newsletter's own forms ask, not data to steal.
_NO_DATA_INPUTS = frozenset({"hidden", "submit", "button", "image", "reset", "checkbox", "radio", "email", "search"})
_ADDRESS_OR_SEARCH_NAME = re.compile(r"e-?mail|search|query|keyword|recherche|^q$|^s$|^kw$", re.IGNORECASE)
_PERSON_NAME = re.compile(r"^(?:(?:first|last|full|your)[ _-]?)?name$|^nom$|^prenom$", re.IGNORECASE)
_MAX_FORM_FIELDS = 200


def _collects_data(form: LexborNode) -> bool:
    """False for a subscription or search box: no field but an e-mail address, search words, buttons, choices
    and at most one field for the reader's name. Any other field (a password, a card number, an IBAN, an
    unnamed text box) makes the form one that collects data."""
    named = False
    for node in form.css("input, textarea")[:_MAX_FORM_FIELDS]:
        kind = (node.attrs.get("type") or "text").strip().lower() if node.tag == "input" else "textarea"
        if kind in _NO_DATA_INPUTS:
            continue
        if kind not in ("text", ""):
            return True  # password, tel, number, date, file...
        name = (node.attrs.get("name") or node.attrs.get("id") or "").strip()
        if _ADDRESS_OR_SEARCH_NAME.search(name):
            continue
        if not named and _PERSON_NAME.match(name):
            named = True
            continue
        return True
    return False
