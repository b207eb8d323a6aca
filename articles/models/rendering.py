"""The article's body as the page prints it: rendered on save, stored, and checked on read.

`RenderedBody` is mixed into `Article` (articles.models.articles), which holds the `body`,
`body_rendered` and `body_rendered_key` fields; the rendering itself is articles.body.rendering.
"""

from django.utils.safestring import mark_safe

from articles.body import render_body_html, rendering_key


class RenderedBody:
    """The stored rendering of an article's body, and the body a reader is shown."""

    def refresh_rendered_body(self):
        """Render the body into `body_rendered` if what it depends on has changed since the
        last rendering. Returns whether it rendered. Called by `save()`."""
        key = rendering_key(self.body)
        if key == self.body_rendered_key:
            return False
        self.body_rendered, self.body_rendered_key = render_body_html(self.body), key
        return True

    @property
    def reader_body(self):
        """The body as the article page prints it: the stored rendering while it matches the
        body and the advert policy, else rendered now (a row written around `save()`)."""
        if self.body_rendered_key == rendering_key(self.body):
            # Made by render_body_html from the sanitised body, keyed on that body.
            return mark_safe(self.body_rendered)
        return render_body_html(self.body)
