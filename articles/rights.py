"""Who may do what to an article: the newsdesk's permission rules and the brands a person
works on. `articles.workflow` hands each on under the same name; callers ask it there.

- Contributors (no `edit_any_article`) may change only the articles they started, and only
  while those are drafts or in review (`OPEN_STATUSES`).
- Publishing, scheduling, unpublishing and taking down need `publish_article`.
- Every role holds for the brands its holder works on: the rule is `newsroom.access`'s.
"""

from django.core.exceptions import PermissionDenied
from django.db import models

from articles.models import Article
from newsroom import access

# Statuses a contributor's article may have, and that anyone who may change it may switch.
OPEN_STATUSES = (Article.Status.DRAFT, Article.Status.IN_REVIEW)

# Which brands a person works on: the one rule (newsroom.access), under the newsdesk's names.
# `brands_for(user)`: the brand ids, or None for the whole network; `can_work_on(user, brand)`;
# `brands_to_choose(user)`: the Sites a form may offer them (the importers' brand choice too);
# `brand_list(user)`: the same brands from the table kept in memory, for lists' choices.
brands_for = access.brands_for
can_work_on = access.can_work_on
brands_to_choose = access.sites_for
brand_list = access.brand_list


def in_reach(user):
    """The condition (a Q on articles) of the articles of the brands `user` works on: their
    own brand's, or syndicated to one of them. Empty (every article) for the whole network."""
    ids = brands_for(user)
    if ids is None:
        return models.Q()
    if not ids:
        return models.Q(pk__in=[])  # no brand: no article (nothing is asked of the database)
    return Article.on_brands(ids)


def can_publish(user):
    """Whether `user` may publish, schedule, unpublish and take down articles: the one rule the
    admin's choices, actions, buttons and saves, restores and previews all ask."""
    return user.has_perm("articles.publish_article")


def can_edit_any(user):
    """Whether `user` may change articles others started (an editor, not a contributor)."""
    return user.has_perm("articles.edit_any_article")


def can_edit(user, article):
    """Whether `user` may change `article`: their role allows it and, for a saved article,
    they work on its brand (a syndicated copy on their brand is not theirs to change). One
    permission lookup and one brand lookup, each cached on the user."""
    if not user.has_perm("articles.change_article"):
        return False
    if article.pk is not None and not can_work_on(user, article.brand_id):
        return False
    if can_edit_any(user):
        return True
    if article.pk is None:
        return True
    return article.created_by_id == user.pk and article.status in OPEN_STATUSES


def require_publisher(user):
    """Raise `PermissionDenied`, with the editor's message, unless `user` may publish."""
    if not can_publish(user):
        raise PermissionDenied("You may not publish, schedule or unpublish articles.")


def require_editor_of(user, article):
    """Raise `PermissionDenied`, saying why, unless `user` may change `article`."""
    if not can_edit(user, article):
        if article.pk is not None and not can_work_on(user, article.brand_id):
            raise PermissionDenied("It belongs to a brand you do not work on.")
        raise PermissionDenied("You may not change this article.")
