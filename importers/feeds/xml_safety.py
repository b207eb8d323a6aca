"""The strict XML pass every RSS and Atom file goes through before feedparser reads it.

defusedxml refuses entity declarations and external references; the SAX handler checks the
root element (is this a feed, and which kind) and takes notes on each item that feedparser
blurs together. Keeps no tree in memory and fetches nothing.
"""

import io
import re
import xml.sax
from dataclasses import dataclass, field
from xml.parsers import expat

from defusedxml import DefusedXmlException, EntitiesForbidden, expatreader

from importers.records import SourceRefused

from .entries import _plain

ATOM_NS = "http://www.w3.org/2005/Atom"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS10_NS = "http://purl.org/rss/1.0/"
RSS090_NS = "http://my.netscape.com/rdf/simple/0.9/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
MEDIA_NAMESPACES = {"http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss"}
XHTML_NS = "http://www.w3.org/1999/xhtml"

# Default namespaces that older RSS 2.0 generators (Radio UserLand, early Harvard-hosted
# specification copies) put on <rss>; the elements are plain RSS 2.0 all the same.
RSS2_NAMESPACES = {
    None,
    "http://backend.userland.com/rss2",
    "http://blogs.law.harvard.edu/tech/rss",
}
# Namespaces in which an unprefixed RSS element may legitimately live.
RSS_NAMESPACES = RSS2_NAMESPACES | {RSS10_NS, RSS090_NS}


# --- XML: the strict pass -------------------------------------------------------------------


@dataclass
class _ItemFacts:
    """What the strict pass saw in one <item>/<entry>, to correct feedparser's view of it."""

    label: str  # "item" or "entry"
    line: int
    raw_id: str = ""
    guid_is_permalink: bool = True
    has_title: bool = False
    # (kind, plain text) for each story text: kind is "summary", "content" or "media".
    texts: list[tuple[str, str]] = field(default_factory=list)
    media_titles: list[str] = field(default_factory=list)
    rss_authors: list[str] = field(default_factory=list)  # dc:creator and <author>, raw
    media_descriptions: list[str] = field(default_factory=list)


class _RootRefused(Exception):
    """Raised from inside the SAX handler as soon as the root shows this is not a feed."""


class _StrictPass(xml.sax.handler.ContentHandler):
    """Check the root element and take notes on each item; keeps no tree in memory."""

    def __init__(self):
        super().__init__()
        self.locator = None
        self.namespaces = [{"xml": "http://www.w3.org/XML/1998/namespace"}]
        self.stack = []  # (namespace, local name) of open elements
        self.kind = ""
        self.item_depth = 0
        self.has_channel = False
        self.items = []
        self.capture = None  # (kind, list of text pieces, depth) while inside a story text

    def setDocumentLocator(self, locator):
        self.locator = locator

    def _resolve(self, qname):
        prefix, _, local = qname.rpartition(":")
        for scope in reversed(self.namespaces):
            if prefix in scope:
                return scope[prefix] or None, local
        # Undeclared prefixes are tolerated (feedparser copes); keep the prefix as the name.
        return (prefix or None), local

    def startElement(self, qname, attrs):
        declared = {}
        for name, value in attrs.items():
            if name == "xmlns":
                declared[""] = value
            elif name.startswith("xmlns:"):
                declared[name[6:]] = value
        self.namespaces.append(declared)
        name = self._resolve(qname)
        depth = len(self.stack) + 1
        if depth == 1:
            self._check_root(qname, name, attrs)
        self.stack.append(name)
        if self.capture is not None:
            return
        parent = self.stack[-2] if depth > 1 else None
        ns, local = name
        if self.kind.startswith("RSS") and local == "channel" and ns in RSS_NAMESPACES:
            self.has_channel = True
        if self._is_item(name, parent, depth):
            self.item_depth = depth
            facts = _ItemFacts(
                label="entry" if self.kind.startswith("Atom") else "item",
                line=self.locator.getLineNumber() if self.locator else 0,
            )
            about = attrs.get("rdf:about", "")
            if about:
                facts.raw_id = about.strip()
            self.items.append(facts)
            return
        if not self.item_depth:
            return
        facts = self.items[-1]
        text_kind = self._story_text_kind(name, depth, attrs)
        if text_kind:
            self.capture = (text_kind, [], depth)
        elif depth == self.item_depth + 1 and local in ("guid", "id", "title"):
            self.capture = (local, [], depth)
            if local == "guid":
                facts.guid_is_permalink = attrs.get("isPermaLink", "true").strip() != "false"
        elif depth == self.item_depth + 1 and (
            (local == "author" and ns in RSS_NAMESPACES) or (ns, local) == (DC_NS, "creator")
        ):
            self.capture = ("author", [], depth)
        elif ns in MEDIA_NAMESPACES and local == "title":
            self.capture = ("media-title", [], depth)

    def _check_root(self, qname, name, attrs):
        ns, local = name
        if local == "rss" and ns in RSS2_NAMESPACES:
            version = attrs.get("version", "").strip()
            if version and version != "2.0" and not version.startswith("0.9"):
                raise _RootRefused(f"RSS version {version} is not one this reader knows")
            self.kind = f"RSS {version}" if version else "RSS"
        elif local == "feed" and ns == ATOM_NS:
            self.kind = "Atom 1.0"
        elif local == "RDF" and ns == RDF_NS:
            self.kind = "RSS 1.0"
        elif local == "feed":
            raise _RootRefused(
                f"the root element is <{qname}> in namespace {ns or '(none)'}, not Atom 1.0 "
                f"({ATOM_NS})"
            )
        else:
            # The namespace is named, so that an <rss> in a namespace no RSS version uses does
            # not read as "<rss>, not <rss>".
            found = f"<{qname}> (namespace {ns})" if ns else f"<{qname}> (no namespace)"
            raise _RootRefused(f"the root element is {found}, not <rss>, <feed> or <rdf:RDF>")

    def _is_item(self, name, parent, depth):
        ns, local = name
        if self.item_depth:
            return False
        if self.kind == "Atom 1.0":
            return depth == 2 and name == (ATOM_NS, "entry")
        if self.kind == "RSS 1.0":
            if depth == 2 and local == "channel" and ns == RSS090_NS:
                self.kind = "RSS 0.90"
            return depth == 2 and local == "item" and ns in RSS_NAMESPACES
        # RSS 2.0 puts items in the channel; some 0.9x files put them beside it.
        in_channel = parent is not None and parent[1] in ("rss", "channel")
        return local == "item" and ns in RSS2_NAMESPACES and depth in (2, 3) and in_channel

    def _story_text_kind(self, name, depth, attrs):
        ns, local = name
        if ns in MEDIA_NAMESPACES and local == "description":
            return "media"
        if depth != self.item_depth + 1:
            return ""
        if (ns, local) in ((CONTENT_NS, "encoded"), (XHTML_NS, "body")) or (
            local == "content" and ns == ATOM_NS and not attrs.get("src")
        ):
            return "content"
        if (local == "description" and ns in RSS_NAMESPACES | {DC_NS}) or (
            local == "summary" and ns in (ATOM_NS, ITUNES_NS)
        ):
            return "summary"
        return ""

    def characters(self, content):
        if self.capture is not None:
            self.capture[1].append(content)

    def endElement(self, qname):
        depth = len(self.stack)
        self.stack.pop()
        self.namespaces.pop()
        if self.capture is not None and self.capture[2] == depth:
            kind, pieces, _ = self.capture
            self.capture = None
            text = "".join(pieces)
            facts = self.items[-1]
            if kind in ("guid", "id"):
                facts.raw_id = text.strip()
            elif kind == "title":
                facts.has_title = bool(text.strip())
            elif kind == "author":
                facts.rss_authors.append(text)
            elif kind == "media-title":
                facts.media_titles.append(_plain(text))
            else:
                if kind == "media":
                    facts.media_descriptions.append(_plain(text))
                facts.texts.append((kind, _plain(text)))
        if depth == self.item_depth:
            self.item_depth = 0


class _NeverFetchingParser(expatreader.DefusedExpatParser):
    def reset(self):
        super().reset()
        # The standard reader asks expat for a DOCTYPE's external DTD, which defusedxml then
        # refuses; never asking lets a harmless DOCTYPE through while nothing is ever read.
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)


class _EncodingUnknownToExpat(Exception):
    pass


XML_DECLARATION = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([\w.:-]+)(["'])""")


def _as_utf8(data: bytes) -> bytes:
    """Re-encode a feed in UTF-8 (Shift_JIS, GB2312, Big5 …) so that expat can check it."""
    declared = XML_DECLARATION.match(data[:200].decode("ascii", "replace"))
    if not declared:
        raise SourceRefused("The file's character encoding could not be determined.")
    try:
        text = data.decode(declared[2])
    except LookupError:
        raise SourceRefused(f"The file declares an unknown encoding, {declared[2]}.") from None
    except UnicodeDecodeError as error:
        raise SourceRefused(
            f"The file is not valid {declared[2]}: bad byte at position {error.start}."
        ) from None
    return XML_DECLARATION.sub(r"\g<1>utf-8\g<3>", text, count=1).encode()


def _strict_pass(data: bytes) -> _StrictPass:
    parser = _NeverFetchingParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    notes = _StrictPass()
    parser.setContentHandler(notes)
    source = xml.sax.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except LookupError as error:
        raise SourceRefused(
            f"The file declares a character encoding we cannot read ({error})."
        ) from None
    except _RootRefused as refusal:
        raise SourceRefused(f"Not a feed: {refusal}.") from None
    except EntitiesForbidden as refusal:
        raise SourceRefused(
            f"The file declares XML entities (<!ENTITY {refusal.name} …>), refused for safety."
        ) from None
    except DefusedXmlException as refusal:
        raise SourceRefused(
            f"The file refers to an external resource ({refusal}), refused for safety."
        ) from None
    except ValueError as error:  # after DefusedXmlException, itself a ValueError
        # Python's expat reads only single-byte encodings besides UTF-8 and UTF-16.
        if "multi-byte encodings" not in str(error):
            raise
        raise _EncodingUnknownToExpat from None
    except xml.sax.SAXParseException as error:
        if error.getMessage() == "unknown encoding":
            raise _EncodingUnknownToExpat from None
        if not notes.kind and re.match(rb"(\xef\xbb\xbf)?\s*(<!doctype\s+html|<html)", data, re.I):
            raise SourceRefused("Not a feed: the root element is <html> (a web page).") from None
        raise SourceRefused(
            f"The file is not well-formed XML: {error.getMessage()} at line "
            f"{error.getLineNumber()}, column {error.getColumnNumber() + 1}."
        ) from None
    if notes.kind.startswith("RSS") and not notes.has_channel:
        raise SourceRefused("Not a feed: the <rss> root holds no <channel>.")
    return notes
