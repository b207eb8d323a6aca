from django import template

register = template.Library()


@register.simple_tag
def library_picture(image, sizes, aspect=None, eager=False, css_class="", alt=None):
    """`{% library_picture image sizes aspect="16:9" %}`: see `library.markup.picture_html`.

    Makes and records a crop the first time its aspect is asked for; afterwards reads only the
    image's fields. Empty for no image, so optional pictures need no `{% if %}`.
    """
    if not image:
        return ""
    return image.picture_html(sizes, aspect=aspect, eager=eager, css_class=css_class, alt=alt)
