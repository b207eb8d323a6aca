"""Source files for the tests of imports started from the admin, written by the tests
themselves: a WordPress export of any size, a JSON Lines file."""

import json

WXR_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Harbour Times</title><link>http://harbour.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://harbour.example</wp:base_site_url>
<wp:base_blog_url>http://harbour.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ana]]></wp:author_login>
<wp:author_display_name><![CDATA[Ana Costa]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>harbour</wp:category_nicename>
<wp:cat_name><![CDATA[Harbour]]></wp:cat_name></wp:category>
"""

POST = """<item><title><![CDATA[{title}]]></title>
<link>http://harbour.example/2020/01/story-{number}/</link>
<dc:creator><![CDATA[ana]]></dc:creator>
<content:encoded><![CDATA[<p>The ferry ran {number} times today.</p>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{number}</wp:post_id>
<wp:post_date_gmt><![CDATA[2020-01-01 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[story-{number}]]></wp:post_name>
<wp:status><![CDATA[{status}]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="harbour"><![CDATA[Harbour]]></category>
{comment}</item>
"""

COMMENT = """<wp:comment><wp:comment_id>1</wp:comment_id>
<wp:comment_content><![CDATA[Nice.]]></wp:comment_content></wp:comment>"""


def wxr(posts=3, *, draft_every=0, long_title_at=0):
    """A WXR 1.2 export of `posts` posts (every `draft_every`th a draft, the one numbered
    `long_title_at` with a title too long to import); every third has a comment."""
    items = "".join(
        POST.format(
            number=number,
            title=("x" * 300) if number == long_title_at else f"Ferry story {number}",
            status="draft" if draft_every and number % draft_every == 0 else "publish",
            comment=COMMENT if number % 3 == 0 else "",
        )
        for number in range(1, posts + 1)
    )
    return (WXR_HEAD + items + "</channel>\n</rss>\n").encode()


def jsonl(count=3):
    lines = [
        {
            "headline": f"Line story {number}",
            "body_html": f"<p>Story {number}.</p>",
            "section": "Harbour",
            "status": "published",
            "published_at": "2024-01-02T10:00:00+00:00",
            "source": {"system": "desk", "id": str(number)},
        }
        for number in range(1, count + 1)
    ]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()
