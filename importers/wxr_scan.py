"""One pass over a WordPress export that checks it whole and notes where each item is.

`WxrExport.check` runs it before anything is written. The parser is the one every pass uses
(defusedxml's, with its refusals: entity declarations, external references), so a file it
refuses is refused in the same words; but no element is built: expat calls back only at
element boundaries, and text is kept only for the few fields noted here. For each `<item>`
the scan notes its byte range and what the content pass must know before reading it:

- its post id, type and status, its `link` and `guid`, and how many comments it holds, enough
  to name the item in messages (`wp_fields._where`) and to list its old addresses;
- from the bytes, a digest (`item_digest`): an item whose digest matches the one its article
  was last imported from need not be read again (`importers.digests`).

Reading by ranges needs a file laid out as WordPress writes it: the channel's header (title,
authors, terms) before the first item, and an encoding in which the closing tags are ASCII.
`ItemMap.by_ranges` says whether this one is; if not, the passes stream the whole file.
"""

import hashlib
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from importers.records import code_digest

CLOSING = b"\n</channel>\n</rss>\n"
# The fields of an item the scan keeps, by the reader's names ("wp:post_id"), and with
# `names` the author's too (`wp_fields._byline` reads them).
NOTED = frozenset({"link", "guid", "wp:post_id", "wp:post_type", "wp:status"})
NAMES = frozenset({"dc:creator", "wp:author"})
# What a content pass makes of an item's bytes: the reader's own code, and the embed rule its
# body conversion applies. A new version of any of them reads every item again, once.
READER_MODULES = (
    "importers.wordpress",
    "importers.wp_items",
    "importers.wp_fields",
    "importers.wp_body",
    "importers.wp_autop",
    "importers.records",
    "articles.body.embeds",
)


@dataclass(slots=True)
class ItemFacts:
    """What the scan notes of one `<item>`; read like the reader's own item (`text`)."""

    number: int  # numbered as in the whole export (a part's first item is not 1)
    start: int  # byte offset of `<item`
    end: int = 0  # where the next item (or `</channel>`) starts
    fields: dict = field(default_factory=dict)
    comments: int = 0
    categories: list = field(default_factory=list)  # (domain, name), when asked for (`names`)

    def raw(self, name):
        return self.fields.get(name) or ""

    def text(self, name):
        return self.raw(name).strip()


@dataclass
class ItemMap:
    """Where an export's items are, and whether they can be read by ranges."""

    items: list  # ItemFacts, in file order
    opening_end: int  # where the channel's first child starts: an envelope's opening
    header_end: int  # where the first item starts
    channel_end: int
    by_ranges: bool


def scan(parser, source, *, name_of, first_item=1, names=False):
    """Feed `source` (a binary file) through `parser` (a DefusedXMLParser whose target keeps
    nothing) and return the `ItemMap`. `name_of` turns expat's "uri}local" into "wp:local".
    With `names`, each item's categories and author are noted too (what an import job's
    part 0 creates before the parts run: `importers.job_parts.posts_names`)."""
    expat = parser.parser
    noted = NOTED | NAMES if names else NOTED
    items, text, state = [], [], {"depth": 0, "item": None, "noting": None}
    marks = {"opening_end": None, "channel_end": 0, "in_order": True}
    shorts = {}

    def short(raw):
        known = shorts.get(raw)
        if known is None:
            known = shorts[raw] = name_of("{" + raw if "}" in raw else raw)
        return known

    def start(raw, attributes):
        depth = state["depth"] = state["depth"] + 1
        if depth == 3:
            if marks["opening_end"] is None:
                marks["opening_end"] = expat.CurrentByteIndex
            if raw == "item":
                if items:
                    items[-1].end = expat.CurrentByteIndex
                state["item"] = ItemFacts(len(items) + first_item, expat.CurrentByteIndex)
                items.append(state["item"])
            elif items:
                marks["in_order"] = False  # a header field after the items began
        elif depth == 4 and state["item"] is not None:
            name = short(raw)
            if name == "category" and names:
                domain = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("domain")
                state["noting"] = ("category", domain and sys.intern(domain))
                text.clear()
                expat.CharacterDataHandler = text.append
            elif name in noted and name not in state["item"].fields:
                state["noting"] = name
                text.clear()
                expat.CharacterDataHandler = text.append
            elif name == "wp:comment":
                state["item"].comments += 1
        elif depth == 5 and state["noting"]:
            # ElementTree's text is what comes before the first child: stop there too.
            expat.CharacterDataHandler = None

    def end(raw):
        depth = state["depth"]
        state["depth"] = depth - 1
        if depth == 4 and state["noting"]:
            if isinstance(state["noting"], tuple):
                state["item"].categories.append((state["noting"][1], "".join(text)))
            else:
                state["item"].fields[state["noting"]] = "".join(text)
            state["noting"] = None
            expat.CharacterDataHandler = None
        elif depth == 3:
            state["item"] = None
        elif depth == 2:
            marks["channel_end"] = expat.CurrentByteIndex

    expat.StartElementHandler = start
    expat.EndElementHandler = end
    expat.CharacterDataHandler = None
    while chunk := source.read(1 << 20):
        parser.feed(chunk)
    parser.close()
    if items:
        items[-1].end = marks["channel_end"]
    header_end = items[0].start if items else marks["channel_end"]
    return ItemMap(
        items=items,
        opening_end=marks["opening_end"] or header_end,
        header_end=header_end,
        channel_end=marks["channel_end"],
        by_ranges=marks["in_order"] and bool(items),
    )


def ascii_compatible(head):
    """Whether a file starting with `head` is in an encoding whose closing tags are ASCII
    (UTF-8, ISO-8859-*, windows-125*: not UTF-16 or UTF-32)."""
    return not (head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4])


@cache
def reader_version():
    """A digest of the reader's code (READER_MODULES): part of every item's digest."""
    return code_digest(READER_MODULES)


def item_digest(data, number, timezone):
    """The digest of one item's bytes as the reader reads them: its number in the export and
    the time zone its local dates are read in are part of what it says."""
    digest = hashlib.sha256(f"{reader_version()}|{number}|{timezone}|".encode())
    digest.update(data)
    return digest.hexdigest()


def ranges(count, size):
    """The (first, last) item numbers of each part of `count` items, `size` at most each."""
    return [(first, min(first + size - 1, count)) for first in range(1, count + 1, size)]


def part_bytes(path, items, first, last):
    """The WXR document of items `first` to `last` (numbered from 1) of the file at `path`:
    the export's opening (everything before the first item: the header, its authors and
    terms), those items byte for byte, the closing tags. It reads as the whole file reads
    them; `open_wxr(part, first_item=first)` numbers them as the whole file does."""
    start, end = items.items[first - 1].start, items.items[last - 1].end
    with Path(path).open("rb") as source:
        opening = source.read(items.header_end)
        source.seek(start)
        body = source.read(end - start)
    return opening + body + CLOSING
