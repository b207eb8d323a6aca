"""Advert slots: where between paragraphs an advert slot goes (`settings.NEWSROOM_ADVERTS`).

The placement policy changes with the advertising arrangement, not with what a body holds.
`Block`, the piece of a rendered body that placing and rendering both deal in, is defined here
so that the policy needs nothing from the rendering.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Block:
    """One top-level piece of a rendered body, as the article template shows it."""

    kind: str  # "paragraph", "embed", "advert" or "html"
    html: SafeString = mark_safe("")


ADVERT = Block("advert")


def place_adverts(blocks, policy):
    """Insert advert slots after paragraph N, then every M paragraphs, at most K of them.

    A slot never ends the body: one due after the last paragraph is left out.
    """
    first, every, most = policy["first_after"], policy["every"], policy["max"]
    if most <= 0 or first <= 0:
        return list(blocks)
    placed, paragraphs, result = 0, 0, []
    for index, block in enumerate(blocks):
        result.append(block)
        if block.kind != "paragraph":
            continue
        paragraphs += 1
        due = paragraphs == first or (
            every > 0 and paragraphs > first and (paragraphs - first) % every == 0
        )
        if due and placed < most and index < len(blocks) - 1:
            result.append(ADVERT)
            placed += 1
    return result
