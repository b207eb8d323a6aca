"""Embeds: which providers' addresses become embeds, and the markup each one gets.

A provider is added or a player's markup changes here alone; neither sanitising nor the
placement of adverts moves with it.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.utils.html import format_html

# Embeds: each provider turns a URL into privacy-friendly markup. Players load from the
# providers' no-tracking hosts only when the reader scrolls near; posts on social networks are
# shown as a link card, so no third-party script or cookie reaches a reader who did not ask.
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
# The providers whose addresses become embeds, and their hosts. The admin's body editor reads
# this too, to refuse other addresses before they are saved.
EMBED_PROVIDERS = {
    "YouTube": ["youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"],
    "Vimeo": ["vimeo.com", "www.vimeo.com"],
    "X": ["x.com", "www.x.com", "twitter.com", "www.twitter.com"],
    "Instagram": ["instagram.com", "www.instagram.com"],
    "TikTok": ["tiktok.com", "www.tiktok.com", "m.tiktok.com"],
    "Facebook": ["facebook.com", "www.facebook.com", "m.facebook.com"],
}
# Posts on social networks: (CSS key, provider, address path of a post).
_SOCIAL_PATTERNS = [
    ("x", "X", re.compile(r"^/(\w{1,30})/status/(\d+)")),
    ("instagram", "Instagram", re.compile(r"^/(?:[\w.]+/)?(?:p|reel|tv)/([\w-]+)")),
    ("tiktok", "TikTok", re.compile(r"^/@([\w.]+)/video/(\d+)")),
    ("facebook", "Facebook", re.compile(r"^/[\w.]+/(?:posts|videos)/[\w.]+|^/watch/?$")),
]


def _youtube_id(parts):
    host = parts.hostname or ""
    if host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif host in EMBED_PROVIDERS["YouTube"]:
        if parts.path == "/watch":
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/shorts/", "/embed/", "/live/")):
            candidate = parts.path.split("/")[2]
        else:
            return None
    else:
        return None
    return candidate if _YOUTUBE_ID.match(candidate) else None


def embed_for_url(url):
    """Return embed markup for an allowed provider's URL, or None for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    video_id = _youtube_id(parts)
    if video_id:
        return format_html(
            '<figure class="embed embed--video"><iframe src="https://www.youtube-nocookie.com/embed/{}"'
            ' title="YouTube video" loading="lazy" allowfullscreen'
            ' allow="encrypted-media; picture-in-picture; fullscreen"'
            ' referrerpolicy="strict-origin-when-cross-origin"></iframe>'
            '<figcaption><a href="{}">Watch on YouTube</a></figcaption></figure>',
            video_id,
            url,
        )
    if parts.hostname in EMBED_PROVIDERS["Vimeo"] and re.fullmatch(r"/\d+/?", parts.path):
        return format_html(
            '<figure class="embed embed--video"><iframe src="https://player.vimeo.com/video/{}?dnt=1"'
            ' title="Vimeo video" loading="lazy" allowfullscreen'
            ' allow="fullscreen; picture-in-picture"'
            ' referrerpolicy="strict-origin-when-cross-origin"></iframe>'
            '<figcaption><a href="{}">Watch on Vimeo</a></figcaption></figure>',
            parts.path.strip("/"),
            url,
        )
    for key, label, path_pattern in _SOCIAL_PATTERNS:
        if parts.hostname in EMBED_PROVIDERS[label] and path_pattern.match(parts.path):
            return format_html(
                '<figure class="embed embed--social embed--{}"><a class="embed__link" href="{}">'
                '<span class="embed__provider">{}</span> '
                '<span class="embed__action">View this post on {}</span></a></figure>',
                key,
                url,
                label,
                label,
            )
    return None
