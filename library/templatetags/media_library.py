from django import template

register = template.Library()


@register.simple_tag
def library_picture(image, sizes, aspect=None, eager=False, css_class="", alt=None):
    """`{% library_picture image sizes aspect="16:9" %}`: see `library.markup.picture_html`.

    Never makes renditions: a crop not made yet is asked for (a task makes it) and shown
    meanwhile as the sized fallback library.markup describes. Empty for no image, so optional
    pictures need no `{% if %}`.
    """
    if not image:
        return ""
    return image.picture_html(sizes, aspect=aspect, eager=eager, css_class=css_class, alt=alt)
