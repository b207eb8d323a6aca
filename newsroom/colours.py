"""Whether a brand's colours can be read: the contrast of text on its background, as WCAG 2
measures it (relative luminance), so that no brand's header or links fall below 4.5:1."""

MINIMUM_CONTRAST = 4.5


def _luminance(colour):
    """The relative luminance of `colour` ("#rrggbb"), from 0 (black) to 1 (white)."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        # sRGB to linear light, as WCAG 2 defines it.
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second):
    """The contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def check_contrast(text, background):
    """A sentence saying why `text` on `background` is hard to read, or "" if it is not (or if
    either is not a "#rrggbb" colour, which the field's own validator reports)."""
    try:
        ratio = contrast(text, background)
    except (TypeError, ValueError, IndexError):
        return ""
    if len(text) != 7 or len(background) != 7 or ratio >= MINIMUM_CONTRAST:
        return ""
    return (
        f"{text} on {background} has a contrast of {ratio:.1f}:1; readers need at least "
        f"{MINIMUM_CONTRAST}:1. Choose a darker colour."
    )
