"""Who may change a library picture, and what replacing its file does.

A contributor changes only pictures they uploaded that no published article shows; for the
rest the page is read-only and a crafted POST is refused. An editor may replace the file of a
picture in use: the replacement is recorded on the picture's page and every article showing it
shows the new file.
"""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from library.models import Image, ImageReplacement
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory
from tests.test_library import after_commit, library_image, picture, upload

pytestmark = pytest.mark.django_db


def change_url(image):
    return reverse("admin:library_image_change", args=[image.pk])


def edit(client, image, **changes):
    """POST the picture's change form with its current words and `changes`."""
    data = {
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "source_note": image.source_note,
        "focal_x": "0.5",
        "focal_y": "0.5",
        **changes,
    }
    with after_commit():  # and the renditions of a new file, which the save queued
        return client.post(change_url(image), data)


def featured_on(image, **fields):
    return ArticleFactory(featured_library_image=image, featured_image=image.file.name, **fields)


def featured_by_name(image, **fields):
    return ArticleFactory(featured_image=image.file.name, **fields)


def in_body(image, **fields):
    return ArticleFactory(body=f"<p>Before.</p>{image.figure_html()}<p>After.</p>", **fields)


def test_a_contributor_changes_their_own_picture_that_nothing_published_shows(contributor):
    image = library_image(uploaded_by=contributor.user, alt_text="Old", credit="Agency")
    in_body(image, status=Article.Status.DRAFT, published_at=None)
    page = parse(contributor.get(change_url(image)))
    assert page.select_one("input[type=file][name=file]") is not None
    assert page.select_one(".messagelist") is None

    response = edit(contributor, image, alt_text="New", file=upload("b.png", picture(fmt="PNG")))
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "New" and re.search(r"/b-[0-9a-f]{12}\.png$", image.file.name)


@pytest.mark.parametrize("use", [featured_on, featured_by_name, in_body])
def test_a_contributor_cannot_change_their_picture_once_a_published_article_shows_it(
    contributor, use
):
    image = library_image(uploaded_by=contributor.user, alt_text="Old", credit="Agency")
    use(image)
    before = image.file.name

    page = parse(contributor.get(change_url(image)))
    assert "Only an editor can change this picture" in text_of(page.select_one(".messagelist"))
    assert page.select_one("input[type=file]") is None
    assert page.select_one("input[name=alt_text]") is None
    assert page.select_one("[name=_save]") is None

    response = edit(contributor, image, alt_text="Hijacked", file=upload("x.png", picture()))
    assert response.status_code == 403
    image.refresh_from_db()
    assert (image.alt_text, image.file.name) == ("Old", before)
    assert not ImageReplacement.objects.exists()


def test_a_contributor_cannot_change_someone_elses_picture(contributor, editor):
    image = library_image(uploaded_by=editor.user, alt_text="Old", credit="Agency")
    assert parse(contributor.get(change_url(image))).select_one("input[type=file]") is None
    assert edit(contributor, image, alt_text="Mine now").status_code == 403
    image.refresh_from_db()
    assert image.alt_text == "Old"


def test_deleting_follows_the_same_rule(contributor, editor):
    # Contributors are not given delete in their role; one who is still meets the rule.
    contributor.user.user_permissions.add(Permission.objects.get(codename="delete_image"))
    own = library_image(uploaded_by=contributor.user, credit="Agency")
    used = library_image(uploaded_by=contributor.user, name="used.jpg", credit="Agency")
    featured_on(used)

    delete = lambda client, image: client.post(  # noqa: E731
        reverse("admin:library_image_delete", args=[image.pk]), {"post": "yes"}
    )
    assert delete(contributor, used).status_code == 403
    assert delete(contributor, own).status_code == 302
    assert list(Image.objects.all()) == [used]
    assert delete(editor, used).status_code == 302
    assert not Image.objects.exists()


def test_an_editor_replaces_a_picture_in_use_and_every_article_shows_the_new_one(
    editor, contributor, client
):
    image = library_image(
        picture((1300, 700)), uploaded_by=contributor.user, alt_text="Harbour", credit="Agency"
    )
    old_name = image.file.name
    lead = featured_on(image, featured_image_alt="The harbour")
    other = in_body(image)

    response = edit(editor, image, file=upload("lighthouse.png", picture((1400, 800), fmt="PNG")))
    assert response.status_code == 302
    image.refresh_from_db()
    assert re.search(r"/lighthouse-[0-9a-f]{12}\.png$", image.file.name)

    replacement = ImageReplacement.objects.get()
    assert (replacement.image, replacement.replaced_by) == (image, editor.user)
    assert (replacement.old_name, replacement.new_name) == (old_name, image.file.name)
    assert replacement.articles_changed == 2

    lead.refresh_from_db()
    assert lead.featured_image.name == image.file.name
    assert (lead.featured_image_width, lead.featured_image_height) == (1400, 800)
    assert lead.featured_image_renditions  # made for the new file

    for article in (lead, other):
        revision = Version.objects.get_for_object(article).first().revision
        assert (revision.user, "was replaced by" in revision.get_comment()) == (editor.user, True)
        page = parse(client.get(article.get_absolute_url()))
        sources = [img["src"] for img in page.select("article img")]
        assert image.file.url in " ".join(sources)
        assert old_name not in page.decode()  # nor any of its renditions

    history = text_of(parse(editor.get(change_url(image))).select_one(".field-replacement_history"))
    assert old_name in history and image.file.name in history and "eddie" in history
