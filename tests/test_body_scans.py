"""The fast scans of body conversion and rendering give what the plain ones gave.

WordPress's paragraphs (`importers.wp_autop`) and address lines (`importers.wp_body`) try
their regular expressions only where a match can start, and the stored rendering is joined
without a template (`articles.body.rendering`): each is checked here against the slower form
it replaced, over the naughty strings, random tag soup and WordPress-like bodies.
"""

import json
import random

from articles.body import render_body_html
from importers.wp_autop import _TOKEN, _tokens
from importers.wp_body import _URL_LINE, _url_lines
from tests.test_body import NAUGHTY_FILE, _tag_soup


def _wordpress_like(count):
    """Bodies of lines, addresses, tags and placeholders in random order."""
    rng = random.Random(11)
    pieces = [
        "Some words.",
        "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "  https://vimeo.com/123  ",
        "\thttp://example.org/a b",
        "see https://x.com/a/status/1",
        "https://x.com/a/status/1\u2028more",
        "<div>",
        "</div>",
        "<p>",
        "</P>",
        "<blockquote class='x'>",
        "<li>",
        "</li>",
        "\x0012\x00",
        "\x00",
        "<",
        "<br />",
        "\n",
        "\n\n",
        " ",
        "http://",
        "<table><tr><td>cell",
        "<pre>keep</pre>",
        '<img src="https://a.example/b.png">',
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def _corpus():
    return (
        json.loads(NAUGHTY_FILE.read_text(encoding="utf-8"))
        + _tag_soup(1000)
        + _wordpress_like(3000)
    )


def test_autop_finds_the_tokens_the_expression_finds():
    for text in _corpus():
        assert [m.span() for m in _tokens(text)] == [m.span() for m in _TOKEN.finditer(text)]


def test_address_lines_are_the_lines_the_expression_finds():
    def replace(match):
        return f"[{match.group(1)}]"

    for text in _corpus():
        assert _url_lines(text, replace) == _URL_LINE.sub(replace, text), text


def test_the_stored_rendering_prints_each_block_then_the_page_indent():
    body = (
        '<p>One.</p><p>https://www.youtube.com/watch?v=aqz-KE-bpKQ</p><p>Two &amp; more.</p>'
        '<figure data-credit="Agency &lt;A&gt;"><img src="https://a.example/b.png" alt="">'
        "</figure>loose"
    )
    policy = {"first_after": 1, "every": 1, "max": 5}
    html = render_body_html(body, policy)
    assert html == (
        "<p>One.</p>\n    "
        '<div class="advert advert--inline"><p class="advert__label">Advert</p></div>\n    '
        '<figure class="embed embed--video"><iframe src="https://www.youtube-nocookie.com/embed/'
        'aqz-KE-bpKQ" title="YouTube video" loading="lazy" allowfullscreen allow="encrypted-media;'
        ' picture-in-picture; fullscreen" referrerpolicy="strict-origin-when-cross-origin">'
        '</iframe><figcaption><a href="https://www.youtube.com/watch?v=aqz-KE-bpKQ">Watch on '
        "YouTube</a></figcaption></figure>\n    "
        "<p>Two &amp; more.</p>\n    "
        '<div class="advert advert--inline"><p class="advert__label">Advert</p></div>\n    '
        '<figure data-credit="Agency &lt;A&gt;"><img loading="lazy" decoding="async" '
        'src="https://a.example/b.png" alt=""><figcaption><span class="figure__credit">Agency '
        "&lt;A&gt;</span></figcaption></figure>\n    "
        "<p>loose</p>\n    "
    )
    assert hasattr(html, "__html__")  # safe, as the template's output was
