"""What the scheduler has done: the side effects of each article's publication, once.

A scheduled article becomes public on its own (the public rule compares `published_at` with
now); what does not happen on its own is the rest: the cached fragments retired and
`publication_due` sent (`articles.workflow.come_due`). `articles.tasks.handle_due` does that
once per article and publication time, and keeps a row here to say so.
"""

from django.db import models

from articles.models.articles import Article


class HandledPublication(models.Model):
    """The side effects of `article` becoming public at `published_at` were done.

    Keyed on the article and its publication time, not the article alone, so an article
    rescheduled to a new time gets its side effects again at that time, and one unpublished
    and published again at its old time does not. A row of its own rather than a field on the
    article: an editor's save of an article loaded a moment earlier can never write an old
    value over it.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="handled_publications"
    )
    published_at = models.DateTimeField(help_text="The publication time the side effects were for.")
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Written by the scheduler only; no one edits these, and the roles (articles 0005)
        # give no permission on them.
        default_permissions = ()
        constraints = [
            # Also the index the scheduler's "not handled yet" subquery reads: publication
            # time first, so it reads only the rows of its window (a day), however many years
            # of rows the table holds.
            models.UniqueConstraint(
                fields=["published_at", "article"], name="publication_handled_once"
            )
        ]
        verbose_name = "handled publication"

    def __str__(self):
        return f"article {self.article_id} at {self.published_at.isoformat()}"
