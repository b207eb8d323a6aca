"""Splitting a large WordPress export into parts that several workers import at once.

Each part is a WXR file of its own: the export's opening (the XML declaration, `<rss>`,
`<channel>` and everything before the first `<item>`: the site's header, its authors and
terms), then a run of whole `<item>` elements copied byte for byte, then the closing tags.
So a part reads exactly as the whole file reads those items, and `open_wxr(part,
first_item=…)` numbers its items as the whole file does.

Where the items start is found with expat, which reports the byte offset of each element; no
element is built. Entity declarations are refused here too, although the admin's form has
already refused them (`WxrExport.check`): this pass must never expand one.
"""

from dataclasses import dataclass
from xml.parsers import expat

from importers.records import SourceRefused

CLOSING = b"\n</channel>\n</rss>\n"


@dataclass
class ItemMap:
    """Where a WXR file's items are: `starts[n - 1]` is the byte offset of item n."""

    starts: list
    channel_end: int  # the offset of `</channel>`

    @property
    def count(self):
        return len(self.starts)


def map_items(path):
    """Read the file once and return its `ItemMap`."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth, starts, ends = 0, [], []

    def refuse(*args):
        raise SourceRefused(f"{path.name} declares XML entities; refused for safety.")

    def start(name, attributes):
        nonlocal depth
        depth += 1
        if depth == 3 and name == "item":
            starts.append(parser.CurrentByteIndex)

    def end(name):
        nonlocal depth
        if depth == 2 and name == "channel":
            ends.append(parser.CurrentByteIndex)
        depth -= 1

    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with path.open("rb") as source:
            parser.ParseFile(source)
    except expat.ExpatError as error:
        raise SourceRefused(f"{path.name} is not well-formed XML: {error}.") from None
    if not ends:
        raise SourceRefused(f"{path.name} is not a WordPress export (WXR) file.")
    return ItemMap(starts=starts, channel_end=ends[0])


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
