"""The HTML rendering reads documents in one walk of their elements; it must see what the CSS queries saw.

``render_tree`` marks line breaks and gathers anchors, forms and images in a single walk matched by lexbor tag
id (issue 8, speed); ``<base>``, ``<meta http-equiv>`` and the pictures of an image link are found by tag name or
by a walk, without a CSS engine. The reference below is the former rendering, one CSS query per kind of element;
both must give the same view for any document, including foreign (SVG, MathML) content, attributes present but
empty, anchors holding blocks, target limits and repaired strings. The nesting estimate that decides flattening
is checked against the former one-tag-at-a-time reading, the collapse of white space against the former
chunk-by-chunk loop, and the whole rendering against the CSS queries on the HTML parts of the corpus.
"""

from __future__ import annotations

import email
import re
import sys
from dataclasses import asdict
from email import policy
from pathlib import Path
from posixpath import basename
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from sentinelle.parsing.html import (
    BREAK,
    HtmlView,
    collapse,
    deepest,
    html_depth,
    html_to_text,
    parse_html,
    resolve_url,
)
from sentinelle.parsing.html import _collects_data as collects_data

_BLOCKS = ("p,div,tr,li,h1,h2,h3,h4,h5,h6,table,ul,ol,dl,dt,dd,blockquote,pre,hr,section,article,header,footer,"
           "center,address,form,fieldset,nav,aside,main,figure,figcaption,caption,tbody,thead")
_DROPPED = ["script", "style", "head", "template", "title", "object", "embed", "applet"]


def css_base_href(tree: LexborHTMLParser) -> str | None:
    node = tree.css_first("base[href]")
    if node is None:
        return None
    href = resolve_url(node.attrs.get("href"), None)
    return href if href and "://" in href[:16] else None


def css_refreshes(tree: LexborHTMLParser, base: str | None) -> list[str]:
    out: list[str] = []
    for node in tree.css("meta[http-equiv]"):
        attrs = node.attrs
        if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        content = attrs.get("content") or ""
        _, sep, target = content.partition("=") if "url" in content.lower() else ("", "", "")
        target = target.strip().strip("'\"")
        url = resolve_url(target, base) if sep else None
        if url:
            out.append(url)
    return out


def css_displayed_text(anchor: LexborNode) -> str:
    text = " ".join(anchor.text(separator="").split())
    if text:
        return text[:500]
    for img in anchor.css("img, input[src]"):
        attrs = img.attrs
        for key in ("alt", "title"):
            value = (attrs.get(key) or "").strip()
            if value:
                return " ".join(value.split())[:500]
        src = (attrs.get("src") or "").strip()
        if src:
            try:
                name = basename(urlsplit(src).path)
            except ValueError:
                name = ""
            if name:
                return unquote(name)[:500]
    title = (anchor.attrs.get("title") or "").strip()
    return " ".join(title.split())[:500]


def reference(html: str, limit: int = 10_000, flatten: bool = False) -> HtmlView:
    """The rendering as it was before the single walk: CSS queries for breaks, anchors, forms and images."""
    tree = parse_html(html, flatten=flatten)
    base = css_base_href(tree)
    view = HtmlView(text="", refreshes=css_refreshes(tree, base))
    tree.strip_tags(_DROPPED)
    if not flatten:
        for node in tree.css(_BLOCKS):
            node.insert_before(BREAK)
            node.insert_after(BREAK)
        for node in tree.css("br"):
            node.insert_after(BREAK)
        for node in tree.css("td, th"):
            node.insert_after(" ")
    anchors = tree.css("a[href], area[href]")
    forms = tree.css("form[action]")
    images = tree.css("img[src], input[src]")
    view.skipped = sum(max(0, len(nodes) - limit) for nodes in (anchors, forms, images))
    for node in anchors[:limit]:
        href = resolve_url(node.attrs.get("href"), base)
        if href:
            view.anchors.append((href, css_displayed_text(node)))
    for node in forms[:limit]:
        action = resolve_url(node.attrs.get("action"), base)
        if action:
            view.forms.append(action)
            view.form_collects.append(flatten or collects_data(node))
    for node in images[:limit]:
        src = resolve_url(node.attrs.get("src"), base)
        if src and src[:8].lower().startswith(("http://", "https://")):
            view.images.append(src)
    root = tree.root
    view.text = collapse(root.text(separator="") if root is not None else "")
    return view


def rendered(html: str, limit: int = 10_000, flatten: bool = False) -> dict[str, object]:
    return asdict(html_to_text(html, max_targets=limit, flatten=flatten))


def expected(html: str, limit: int = 10_000, flatten: bool = False) -> dict[str, object]:
    return asdict(reference(html, limit, flatten))


CASES = {
    "blocks and cells": "<div>Votre<p>compte</p>est</div><table><tr><td>a</td><th>b</th></tr></table>x<br>y<hr>z",
    "anchor holding blocks": '<a href="https://a.example/x"><div>Se</div><div>connecter</div></a>',
    "image link": '<a href="/r"><img src="https://cdn.example/ameli%20logo.png"></a><a href="/t" title=" T "></a>',
    "empty and valueless targets": '<a href>x</a><a href="">y</a><area href><img src><input src=""><form action>',
    "foreign content": '<svg><a href="https://svg.example/"><text>s</text></a><image src="https://i.example/"/>'
                       '</svg><math><mi><div>m</div><a href="https://m.example/">l</a></mi></math>',
    "base and relative": '<base href="https://ameli.example/dir/"><a href="page?x=1">p</a><img src="img/a.png">'
                         '<form action="go"><input name="iban"></form>',
    "dropped content": '<script>document.write("<p>no</p>")</script><template><a href="https://t.example/">t</a>'
                       '</template><object><p>obj</p><a href="https://o.example/">o</a></object>visible',
    "sloppy tables": "<table><a href='https://f.example/'>fostered</a><tr><td><table><td>in</td></table>x<p>y",
    "urls with blanks": '<a href=" https://a.example/\tpa\nth\r ">a</a><img src="\n//cdn.example/i.png">',
    "uppercase and custom": '<DIV>A</DIV><my-card><P>B</P></my-card><LI>C<A HREF="https://u.example/">u</A>',
    "pre and lists": "<pre>  l1\n  l2</pre><ul><li>un<li>deux</ul><dl><dt>t<dd>d</dl>",
    "subscription form": '<form action="/s"><input type="email" name="email"><input type="submit"></form>',
    "base and refreshes": '<base target="_top"><BASE HREF="https://b.example/d/"><base href="https://c.example/">'
                          '<meta http-equiv="Refresh" content="0; URL=\'next.html\'"><meta http-equiv content="x">'
                          '<svg><base href="https://svg.example/"/><meta http-equiv="refresh" content="1;url=s"/>'
                          '</svg><a href="p">p</a>',
    "image links": '<a href="/a"><span><input type="image"><input src=""><img alt=" " src="x/"><img title="T">'
                   '</span></a><a href="/b"><svg><image href="i.png"/></svg><img src="/p/n%C3%A9.png"></a>',
}


@pytest.mark.parametrize("html", list(CASES.values()), ids=list(CASES))
def test_single_walk_renders_like_the_css_queries(html: str) -> None:
    assert rendered(html) == expected(html)


@pytest.mark.parametrize("html", list(CASES.values()), ids=list(CASES))
def test_flattened_documents_keep_their_targets(html: str) -> None:
    assert rendered(html, flatten=True) == expected(html, flatten=True)


def test_anchor_text_is_read_after_its_blocks_are_marked() -> None:
    view = html_to_text('<a href="https://a.example/"><div>Se</div><div>connecter</div></a>')
    assert view.anchors == [("https://a.example/", "Se connecter")]


def test_limits_count_targets_with_empty_attributes() -> None:
    html = '<a href>x</a><a href="">y</a><a href="https://z.example/">z</a>' + "<img src>" * 3 + "<form action>"
    assert rendered(html, limit=1) == expected(html, limit=1)
    view = html_to_text(html, max_targets=1)
    assert view.skipped == 2 + 2  # two anchors and two images beyond the first of each
    assert view.anchors == []  # the first anchor's href is empty
    assert view.images == []


def test_urls_lose_inner_tabs_and_newlines_only() -> None:
    assert resolve_url(" https://a.example/\tp\na\rth ", None) == "https://a.example/path"
    assert resolve_url("https://a.example/p ath", None) == "https://a.example/p ath"
    assert resolve_url("\t\n", None) is None


@pytest.mark.parametrize(
    "html",
    ["caf\udce9 <p>cr\udcc3\udca9dit</p>", "lone \ud800 surrogate<div>x</div>", "nul\x00s and \x0bvt<br>end",
     "déjà vu <b>€</b>"],
    ids=["raw bytes", "lone surrogate", "nul and vertical tab", "plain unicode"],
)
def test_repaired_strings_parse_as_before(html: str) -> None:
    view = html_to_text(html)
    assert view.text.encode("utf-8")  # always encodable
    assert rendered(html) == expected(html)
    assert "\x0b" not in view.text
    assert "\x00" not in view.text


def test_parse_html_reads_the_repaired_document() -> None:
    tree = parse_html("<p>caf\udce9</p>")
    assert isinstance(tree, LexborHTMLParser)
    assert tree.css_first("p").text() == "café"


_TAGS = ["p", "div", "td", "th", "tr", "table", "br", "li", "ul", "span", "b", "a", "area", "img", "input", "form",
         "svg", "math", "template", "script", "pre", "h2", "hr", "center", "font", "select", "option", "button",
         "base", "meta", "head", "object", "BASE", "Meta"]
_ATTRS = ["", ' href="https://x.example/a"', " href", ' href="rel/p"', ' src="https://i.example/i.png"', " src",
          ' action="/post"', ' name="email"', ' type="password"', ' title="T"', ' alt="Alt"',
          ' href="https://base.example/d/"', ' http-equiv="refresh" content="0;url=/r"', " http-equiv",
          ' HTTP-EQUIV="Refresh" content="5; URL=https://r.example/"', ' src="/rel/pic.png"']
_TEXT = st.sampled_from(["Votre compte", " ", "\n", "ameli", "é€", "&amp;", "<", "x"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.integers(0, 2))
        if kind == 0:
            pieces.append(f"<{draw(st.sampled_from(_TAGS))}{draw(st.sampled_from(_ATTRS))}>")
        elif kind == 1:
            pieces.append(f"</{draw(st.sampled_from(_TAGS))}>")
        else:
            pieces.append(draw(_TEXT))
    return "".join(pieces)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.integers(1, 4))
def test_random_documents_render_like_the_css_queries(html: str, limit: int) -> None:
    assert rendered(html, limit) == expected(html, limit)


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})")
_NO_NESTING = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
               "wbr", "p", "li", "td", "th", "tr", "option", "dt", "dd", "tbody", "thead", "tfoot", "colgroup",
               "optgroup", "rb", "rt", "rp", "html", "head", "body"}


def reference_depth(html: str, limit: int) -> int:
    """The former estimate: every tag read by a regex, its name lowered and looked up, one event at a time."""
    if html.count("<") <= 10_000:
        return 0
    return deepest((not m.group(1) for m in _TAG.finditer(html) if m.group(2).lower() not in _NO_NESTING), limit)


_DEPTH_PIECES = ["<div>", "</div>", "<DIV class=x>", "</Div >", "<p>", "</P>", "<pre>", "<param>", "<paramx>",
                 "<colgroup>", "</colgroupy>", "<br/>", "<\u212a>", "<\u017f>", "<", "</", "<1", "x", "<b\u00e9>",
                 "<a1b2c3d4e5f6g7h8i9j0>", "<span>", "</span>", "<TBODY>", "<li", "</html>"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_DEPTH_PIECES), max_size=80), st.sampled_from([0, 1, 3, 10, 256]))
def test_nesting_estimate_reads_tags_as_before(pieces: list[str], limit: int) -> None:
    html = "".join(pieces) + "<" * 10_001  # past the few-tags threshold, so that the tags are read
    assert html_depth(html, limit) == reference_depth(html, limit)


def test_nesting_estimate_clamps_stray_end_tags_and_stops_past_the_limit() -> None:
    padding = "<" * 10_001
    assert html_depth("</div></div><div><div>" + padding, 10) == 2
    assert html_depth("<div>" * 50 + padding, 10) == 11
    assert html_depth("<div></div>" * 6_000, 10) == 1
    assert html_depth("<p>" * 20_000, 10) == 0
    assert html_depth("<div>" * 50, 10) == 0  # too few tags to matter


def reference_collapse(text: str) -> str:
    """The former ``collapse``: every chunk between break marks split into words, one list append per line."""
    lines = []
    for chunk in text.split(BREAK):
        words = chunk.split()
        if words:
            lines.append(" ".join(words))
    return "\n".join(lines)


# Every character that ``str.split()`` takes for white space, the break mark, and a few that it does not.
_SPACES = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
_COLLAPSE_TEXT = st.text(alphabet=st.sampled_from(list(_SPACES) + [BREAK] * 8 + list("ab\u00e9\u200b\x00\ufeff")),
                         max_size=60)


@settings(max_examples=500, deadline=None)
@given(_COLLAPSE_TEXT)
def test_collapse_reads_white_space_and_breaks_as_before(text: str) -> None:
    assert collapse(text) == reference_collapse(text)


def test_collapse_drops_blank_lines_and_folds_every_space() -> None:
    assert collapse(f"{BREAK} a\u00a0 b {BREAK}\u3000{BREAK}{BREAK}c\x1c{BREAK}") == "a b\nc"
    assert collapse(f"{BREAK}  \n{BREAK}") == ""
    assert collapse("") == ""


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "email"


def corpus_html_parts(step: int) -> list[str]:
    """The ``text/html`` parts of every ``step``-th corpus e-mail, decoded by the standard library."""
    files = [f for folder in ("ham", "phish", "phish_fr") for f in sorted((CORPUS / folder).iterdir())][::step]
    parts = []
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                try:
                    parts.append(str(part.get_content()))
                except (LookupError, UnicodeError, ValueError):
                    continue
    return parts


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_corpus_html_renders_like_the_css_queries() -> None:
    parts = corpus_html_parts(step=3)
    assert len(parts) > 100
    for html in parts:
        assert rendered(html) == expected(html)
