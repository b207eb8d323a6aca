"""Splitting a large WordPress export into parts that several workers import at once.

Each part is a WXR file of its own: the export's opening (the XML declaration, `<rss>`,
`<channel>` and everything before the first `<item>`: the site's header, its authors and
terms), then a run of whole `<item>` elements copied byte for byte, then the closing tags.
So a part reads exactly as the whole file reads those items, and `open_wxr(part,
first_item=…)` numbers its items as the whole file does.

Where the items start is found with expat, which reports the byte offset of each element; no
element is built. The same pass notes what each post will ask for that parts running at once
would otherwise all create (its categories and tags, its author's login), so the import's
part 0 creates them first. Entity declarations are refused here too, although the admin's
form has already refused them (`WxrExport.check`): this pass must never expand one.
"""

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from importers.records import SourceRefused

CLOSING = b"\n</channel>\n</rss>\n"


_WXR = re.compile(r"https?://wordpress\.org/export/1\.[012]/ ")
_DC = ("http://purl.org/dc/elements/1.1/ ", "https://purl.org/dc/elements/1.1/ ")


@dataclass
class PostFacts:
    """What one `<item>` says of the names it uses, read without building it."""

    fields: dict = field(default_factory=dict)  # "wp:post_type", "wp:status", "dc:creator"
    categories: list = field(default_factory=list)  # (domain or None, name)

    def text(self, name):
        return self.fields.get(name, "").strip()


@dataclass
class ItemMap:
    """Where a WXR file's items are: `starts[n - 1]` is the byte offset of item n."""

    starts: list
    channel_end: int  # the offset of `</channel>`
    posts: list  # PostFacts of each item, in order

    @property
    def count(self):
        return len(self.starts)


def _short(name):
    """expat's "namespace local" name as the reader names it: "wp:status", "dc:creator"."""
    if _WXR.match(name):
        return "wp:" + name.rpartition(" ")[2]
    if name.startswith(_DC):
        return "dc:" + name.rpartition(" ")[2]
    return name


def map_items(path):
    """Read the file once and return its `ItemMap`."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth, starts, ends, posts = 0, [], [], []
    text, capture = [], None  # the text of the item's child being read, and its name

    def refuse(*args):
        raise SourceRefused(f"{path.name} declares XML entities; refused for safety.")

    def start(name, attributes):
        nonlocal depth, capture
        depth += 1
        if depth == 3 and name == "item":
            starts.append(parser.CurrentByteIndex)
            posts.append(PostFacts())
        elif depth == 4 and starts and len(posts) == len(starts):
            capture = (_short(name), attributes.get("domain"))
            text.clear()

    def characters(data):
        if capture is not None:
            text.append(data)

    def end(name):
        nonlocal depth, capture
        if depth == 2 and name == "channel":
            ends.append(parser.CurrentByteIndex)
        elif depth == 4 and capture is not None:
            short, domain = capture
            if short == "category":
                posts[-1].categories.append((domain, "".join(text)))
            elif short in ("wp:post_type", "wp:status", "dc:creator", "wp:author"):
                posts[-1].fields.setdefault(short, "".join(text))
            capture = None
        depth -= 1

    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        with path.open("rb") as source:
            parser.ParseFile(source)
    except expat.ExpatError as error:
        raise SourceRefused(f"{path.name} is not well-formed XML: {error}.") from None
    if not ends:
        raise SourceRefused(f"{path.name} is not a WordPress export (WXR) file.")
    return ItemMap(starts=starts, channel_end=ends[0], posts=posts)


def ranges(count, size):
    """The (first, last) item numbers of each part of `count` items, `size` at most each."""
    return [(first, min(first + size - 1, count)) for first in range(1, count + 1, size)]


def part_bytes(path, items, first, last):
    """The WXR document of items `first` to `last` (numbered from 1) of the file at `path`."""
    start = items.starts[first - 1]
    end = items.starts[last] if last < items.count else items.channel_end
    with path.open("rb") as source:
        opening = source.read(items.starts[0])
        source.seek(start)
        body = source.read(end - start)
    return opening + body + CLOSING
