"""Renditions are made by a task, never in the request that stores a picture nor in a page that
shows it: an upload answers with none made, pages show the stored original at its size (a crop
not made yet: the uncropped picture in the crop's box) and ask for what is missing once, and
when the task has run (here: the outbox flushed, as a worker would) the full srcset is there.

The test's transaction never commits, so what an upload queues waits in the outbox until the
test flushes it (`made()`): the moment between the upload's answer and the worker's run.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from articles.featured import use_library_picture
from articles.models import Article
from jobs import outbox
from jobs.models import OutboxMessage
from library.models import Image
from library.renditions import ensure_renditions
from library.tasks import make_renditions
from tests.conftest import parse
from tests.factories import ArticleFactory, SectionFactory
from tests.test_featured_upload import draft_data
from tests.test_library import media_name, picture, stored_files, upload

pytestmark = pytest.mark.django_db


def uploaded(client, size=(1600, 900), **fields):
    """A picture uploaded through the library's add form; the request's queued work not run."""
    data = {
        "file": upload("harbour.jpg", picture(size)),
        "alt_text": "Boats in the harbour",
        "credit": "Jane Doe / Newsroom",
        "caption": "",
        "source_note": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    response = client.post(reverse("admin:library_image_add"), data)
    assert response.status_code == 302
    return Image.objects.get()


def made():
    """Run what waits in the outbox, as a worker would (no broker: in this process)."""
    sent, pending = outbox.flush()
    assert pending == 0
    return sent


def queued_renditions():
    return list(
        OutboxMessage.objects.filter(task_name="library.make_renditions").values_list(
            "args", flat=True
        )
    )


def rendition_files():
    return [name for name in stored_files() if name.startswith("renditions/")]


def img_of(html):
    return BeautifulSoup(str(html), "html.parser").select_one("img")


def test_an_upload_answers_without_renditions_and_queues_them(editor):
    image = uploaded(editor)
    assert image.renditions == []
    assert rendition_files() == []
    assert queued_renditions() == [[image.pk, None]]

    assert made() == 1
    image.refresh_from_db()
    assert {(r["width"], r["format"]) for r in image.renditions} == {
        (w, f) for w in (240, 480, 800, 1200) for f in ("webp", "jpeg")
    }
    assert sorted(rendition_files()) == sorted(r["name"] for r in image.renditions)


def test_until_the_renditions_exist_the_picture_is_the_original_at_its_size(editor):
    image = uploaded(editor)
    img = img_of(image.picture_html("100vw"))
    assert img.find_parent("picture") is None
    assert (img["width"], img["height"]) == ("1600", "900")
    assert default_storage.exists(media_name(img["src"]))
    assert media_name(img["src"]) == image.file.name

    made()
    node = BeautifulSoup(
        Image.objects.get(pk=image.pk).picture_html("100vw"), "html.parser"
    ).select_one("picture")
    widths = [c.split()[1] for c in node.select_one("source")["srcset"].split(", ")]
    assert widths == ["240w", "480w", "800w", "1200w"]
    img = node.select_one("img")
    assert (img["width"], img["height"]) == ("1600", "900")
    assert default_storage.exists(media_name(img["src"])) and img["src"].endswith("-1200w.jpg")


def test_a_crop_not_made_yet_is_the_picture_in_the_crops_box_at_the_focal_point(editor):
    image = uploaded(editor, focal_x="0.85", focal_y="0.25")
    made()  # the uncropped set
    image.refresh_from_db()
    tag = Template("{% load media_library %}{% library_picture image '50vw' aspect='1:1' %}")

    img = img_of(tag.render(Context({"image": image})))
    assert (img["width"], img["height"]) == ("900", "900")  # the crop's size: no shift later
    # The 900-pixel box is pushed against the right edge: object-position 100% across; it
    # starts at the top (the point is a quarter down, the box is the picture's height).
    assert set(img["class"]) == {
        "library-crop",
        "library-crop-1x1",
        "library-focal-x-100",
        "library-focal-y-50",
    }
    assert "-1x1-" not in img["src"] and default_storage.exists(media_name(img["src"]))
    stylesheet = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    for name in img["class"]:
        assert f".{name} {{" in stylesheet
    assert queued_renditions()[-1] == [image.pk, "1:1"]

    made()
    img = img_of(tag.render(Context({"image": Image.objects.get(pk=image.pk)})))
    assert "library-crop" not in (img.get("class") or [])
    assert "-1x1-at-85-25-" in img["src"] and default_storage.exists(media_name(img["src"]))


def test_a_busy_page_asks_for_a_missing_crop_once(editor):
    image = uploaded(editor)
    made()
    image.refresh_from_db()
    before = OutboxMessage.objects.count()
    for _ in range(20):
        image.picture_html("50vw", aspect="16:9")
    assert OutboxMessage.objects.count() == before + 1


def test_an_aspect_the_stylesheet_cannot_show_falls_back_to_the_whole_picture(editor):
    image = uploaded(editor, size=(1200, 800))
    img = img_of(image.picture_html("50vw", aspect="7:5"))
    assert (img["width"], img["height"]) == ("1200", "800")
    assert media_name(img["src"]) == image.file.name


def test_an_article_shows_its_featured_upload_sized_until_the_renditions_come(editor, reader):
    data = draft_data(
        featured_image=upload("quay.jpg", picture((1600, 900))),
        featured_image_alt="The quay",
        featured_image_credit="Ann Roe",
    )
    assert editor.post("/admin/articles/article/add/", data).status_code == 302
    article = Article.objects.get()
    assert article.featured_image_renditions == []
    assert rendition_files() == []
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
        section=SectionFactory(),
    )
    article.refresh_from_db()

    img = parse(reader.get(article.get_absolute_url())).select_one("figure.featured-image img")
    assert img.find_parent("picture") is None
    assert (img["width"], img["height"]) == ("1600", "900")
    assert default_storage.exists(media_name(img["src"]))

    made()
    article.refresh_from_db()
    assert article.featured_image_renditions == [480, 800, 1200]
    page = parse(reader.get(article.get_absolute_url()))
    source = page.select_one("figure.featured-image picture source")
    names = [media_name(c.split()[0]) for c in source["srcset"].split(", ")]
    assert len(names) == 3 and all(default_storage.exists(name) for name in names)


def test_a_body_picture_gets_its_srcset_when_the_renditions_are_made(editor):
    image = uploaded(editor)
    article = ArticleFactory(body=f"<p>Before.</p>{image.figure_html()}<p>After.</p>")
    img = BeautifulSoup(article.body, "html.parser").select_one("img")
    assert not img.has_attr("srcset") and (img["width"], img["height"]) == ("1600", "900")

    made()
    article.refresh_from_db()
    img = BeautifulSoup(article.body, "html.parser").select_one("img")
    assert [c.split()[1] for c in img["srcset"].split(", ")] == ["240w", "480w", "800w", "1200w"]
    assert media_name(img["src"]) == image.file.name


def test_a_picture_chosen_before_its_renditions_exist_gets_them_after(editor):
    image = uploaded(editor)
    article = use_library_picture(ArticleFactory(), image)
    article.save()
    assert article.featured_image_renditions == []
    made()
    article.refresh_from_db()
    assert article.featured_image_renditions == [480, 800, 1200]


def test_the_task_run_twice_records_and_stores_each_rendition_once(editor):
    image = uploaded(editor)
    first = make_renditions.apply([image.pk]).get()
    files = rendition_files()
    second = make_renditions.apply([image.pk]).get()
    assert first == second and len(first) == 8
    assert rendition_files() == files and len(files) == 8
    image.refresh_from_db()
    assert sorted(r["name"] for r in image.renditions) == sorted(first)


def test_a_run_killed_half_way_is_finished_by_the_next(editor):
    image = uploaded(editor)
    # What a killed run leaves: some files stored, nothing recorded.
    ensure_renditions(image, widths=(480,))
    Image.objects.filter(pk=image.pk).update(renditions=[])
    kept = rendition_files()
    assert len(kept) == 2

    make_renditions.apply([image.pk])
    image.refresh_from_db()
    names = [r["name"] for r in image.renditions]
    assert len(names) == len(set(names)) == 8
    assert sorted(rendition_files()) == sorted(names)  # no copy under a second name


def test_a_deleted_picture_is_no_error_for_the_task(editor):
    image = uploaded(editor)
    Image.objects.filter(pk=image.pk).delete()
    assert make_renditions.apply([image.pk]).get() == []
