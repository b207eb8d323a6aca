"""Related links: the "related" list under an article, to articles here or outside addresses.

Which addresses a link may hold is `articles.links`; this is the row that keeps one, and it
changes with how the list is shown and edited, not with the article.
"""

from django.core.exceptions import ValidationError
from django.db import models

from articles.links import is_safe_link_address, validate_link_address
from articles.models.articles import Article


class RelatedLink(models.Model):
    """An entry in an article's "related" list: another article here, or an outside address."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Related links are listed in ascending order of this number."
    )
    title = models.CharField(
        max_length=255,
        blank=True,
        help_text="The link's text. Leave empty to use the linked article's headline.",
    )
    target = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="An article on this site. Its current address is used, so links survive "
        "slug changes.",
    )
    url = models.CharField(
        max_length=1000,
        blank=True,
        validators=[validate_link_address],
        help_text="An outside address (https://…) or a path on this site starting with /, used "
        "when no article is chosen. Other kinds of address are refused.",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.display_title

    def clean(self):

        if not self.target_id and not self.url:
            raise ValidationError("Choose an article or give an address.")
        if not self.target_id and not self.title:
            raise ValidationError({"title": "A link to an address needs a title."})

    @property
    def display_title(self):
        return self.title or (self.target.headline if self.target_id else self.url)

    @property
    def href(self):
        """The link's address, or None for a stored address that is not safe to follow (one
        written before the check, or around it). Touches `target` and its section (select
        them related)."""
        if self.target_id:
            return self.target.get_absolute_url()
        return self.url if is_safe_link_address(self.url) else None
