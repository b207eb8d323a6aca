"""The newsdesk's admin for articles and topics: the registrations.

One module per seam: the change form (`forms`), its inlines (`inlines`), the list's bulk
actions (`actions`), the article editor itself and its one save (`articles`), roles and the
workflow (`workflow`), revisions and restores (`revisions`), safe concurrent editing
(`concurrency`), previews and share links (`preview`), the body editor (`editor`) and topics
(`topics`).
"""

from django.contrib import admin

from articles.admin.articles import ArticleAdmin
from articles.admin.topics import TopicAdmin
from articles.models import Article, Topic

admin.site.register(Article, ArticleAdmin)
admin.site.register(Topic, TopicAdmin)
