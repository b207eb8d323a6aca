"""Responsive images: WebP renditions made once, and pages that offer them to browsers."""

import io
import json
import os
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from articles.body import sanitise_body
from articles.models import Article
from importers.interchange import images as interchange
from jobs.models import OutboxMessage
from library.images import make_renditions, rendition_name
from tests.conftest import parse
from tests.factories import ArticleFactory, SectionFactory, image_file, with_renditions
from tests.test_import_articles import draw, record, run_import, write_jsonl
from tests.test_library import after_commit

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112


def stored(name, size=(1200, 675), fmt="JPEG", mode="RGB", color=(40, 90, 160), **save_options):
    """Save a real image into media storage; return its storage name."""
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save_options)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def opened(name):
    with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
        image.load()
        return image


def srcset_widths(srcset):
    """{width: url} of a `srcset` made of `url Nw` candidates."""
    pairs = [candidate.split() for candidate in srcset.split(", ")]
    return {int(descriptor.removesuffix("w")): url for url, descriptor in pairs}


# Making renditions ----------------------------------------------------------------------


def test_renditions_are_webp_at_each_width_up_to_the_original():
    name = stored("articles/featured/harbour.jpg", size=(1200, 675))
    assert make_renditions(name) == [480, 800, 1200]
    for width in (480, 800, 1200):
        rendition = opened(rendition_name(name, width))
        assert rendition.format == "WEBP"
        assert rendition.size == (width, round(675 * width / 1200))


def test_no_rendition_is_wider_than_its_original():
    name = stored("articles/featured/medium.jpg", size=(1000, 500))
    assert make_renditions(name) == [480, 800]
    assert not default_storage.exists(rendition_name(name, 1200))


def test_a_small_original_gets_one_rendition_at_its_own_width():
    name = stored("articles/featured/small.jpg", size=(300, 200))
    assert make_renditions(name) == [300]
    assert opened(rendition_name(name, 300)).size == (300, 200)
    assert not default_storage.exists(rendition_name(name, 480))


def test_renditions_are_made_once():
    name = stored("articles/featured/once.jpg")
    make_renditions(name)
    paths = [default_storage.path(rendition_name(name, width)) for width in (480, 800, 1200)]
    for path in paths:
        os.utime(path, ns=(0, 0))
    with mock.patch.object(default_storage, "save", wraps=default_storage.save) as save:
        assert make_renditions(name) == [480, 800, 1200]
    assert save.call_count == 0
    assert [os.stat(path).st_mtime_ns for path in paths] == [0, 0, 0]


def test_a_missing_rendition_is_made_again_and_the_others_are_kept():
    name = stored("articles/featured/partly.jpg")
    make_renditions(name)
    default_storage.delete(rendition_name(name, 800))
    with mock.patch.object(default_storage, "save", wraps=default_storage.save) as save:
        assert make_renditions(name) == [480, 800, 1200]
    assert [call.args[0] for call in save.call_args_list] == [rendition_name(name, 800)]


def test_exif_orientation_is_applied():
    # Stored on its side, left half red: a camera held upright says "turn 90° clockwise".
    image = Image.new("RGB", (600, 300), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 300, 300))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    name = default_storage.save("articles/featured/sideways.jpg", ContentFile(buffer.getvalue()))

    assert make_renditions(name) == [300]  # upright it is 300 pixels wide
    rendition = opened(rendition_name(name, 300)).convert("RGB")
    assert rendition.size == (300, 600)
    red, green, blue = rendition.getpixel((150, 100))  # the red half is now on top
    assert red > 200 and blue < 60
    assert ORIENTATION not in rendition.getexif()  # never turned twice


def test_transparency_survives_and_palette_images_convert():
    clear = stored(
        "articles/body/clear.png", size=(500, 500), fmt="PNG", mode="RGBA", color=(0,) * 4
    )
    assert make_renditions(clear) == [480]
    assert opened(rendition_name(clear, 480)).mode == "RGBA"
    palette = stored("articles/body/palette.gif", size=(500, 300), fmt="GIF", mode="P", color=3)
    assert make_renditions(palette) == [480]
    assert opened(rendition_name(palette, 480)).mode == "RGB"


def test_renditions_of_two_files_with_one_stem_do_not_collide():
    jpeg = stored("articles/featured/photo.jpg", color=(255, 0, 0))
    png = stored("articles/featured/photo.png", fmt="PNG", color=(0, 0, 255))
    assert rendition_name(jpeg, 480) != rendition_name(png, 480)
    make_renditions(jpeg), make_renditions(png)
    assert opened(rendition_name(png, 480)).convert("RGB").getpixel((10, 10))[2] > 200


@pytest.mark.parametrize(
    "name",
    ["articles/featured/never-stored.jpg", "articles/featured/not-an-image.jpg", "", None],
)
def test_a_missing_or_unreadable_file_gives_no_renditions_and_no_error(name):
    default_storage.save("articles/featured/not-an-image.jpg", ContentFile(b"<html>hi</html>"))
    assert make_renditions(name) == []


def test_an_animated_image_keeps_its_motion_without_renditions():
    frames = [Image.new("RGB", (600, 400), color) for color in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    name = default_storage.save("articles/body/moving.gif", ContentFile(buffer.getvalue()))
    assert make_renditions(name) == []
    assert not default_storage.exists(rendition_name(name, 480))


# Importing ------------------------------------------------------------------------------


def test_the_importer_records_featured_renditions_and_sizes_body_images(tmp_path):
    draw(tmp_path / "images" / "lead.jpg", size=(1200, 675))
    draw(tmp_path / "images" / "inline.jpg", size=(800, 450))
    line = record(
        1,
        body_html='<p>Intro.</p><figure data-credit="Agency"><img src="images/inline.jpg" alt="A field" '
        'srcset="images/inline-2x.jpg 2x" width="1" height="1"></figure>'
        '<p><img src="https://cdn.example.com/far.jpg" alt="Far"></p>',
        featured_image={"src": "images/lead.jpg", "alt": "Lead"},
    )
    ok, _, err = run_import(write_jsonl(tmp_path / "a.jsonl", line))
    assert ok, err
    article = Article.objects.get()
    assert article.featured_image_renditions == [480, 800, 1200]
    for width in (480, 800, 1200):
        assert default_storage.exists(rendition_name(article.featured_image.name, width))

    inline, remote = parse_body(article.body)
    assert (inline["width"], inline["height"]) == ("800", "450")
    widths = srcset_widths(inline["srcset"])
    assert sorted(widths) == [480, 800]
    body_name = inline["src"].removeprefix("/media/")
    assert widths[480] == f"/media/{rendition_name(body_name, 480)}"
    assert inline["sizes"] == "(min-width: 47em) 45rem, calc(100vw - 2rem)"
    assert default_storage.exists(rendition_name(body_name, 800))
    # An outside image is left as the line gave it.
    assert remote.attrs == {"src": "https://cdn.example.com/far.jpg", "alt": "Far"}


def parse_body(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").select("img")


def test_an_import_makes_renditions_once_per_picture(tmp_path):
    draw(tmp_path / "images" / "shared.jpg", size=(1200, 675))
    featured = {"src": "images/shared.jpg", "alt": "Shared"}
    lines = [
        record(n, featured_image=featured, body_html='<p><img src="images/shared.jpg" alt=""></p>')
        for n in (1, 2, 3)
    ]
    with mock.patch.object(
        interchange, "make_renditions", wraps=interchange.make_renditions
    ) as made:
        assert run_import(write_jsonl(tmp_path / "a.jsonl", *lines))[0]
    assert made.call_count == 2  # one featured copy and one body copy, for three articles
    assert {tuple(a.featured_image_renditions) for a in Article.objects.all()} == {(480, 800, 1200)}


def test_exports_carry_no_renditions_and_reimports_make_them_anew(tmp_path):
    draw(tmp_path / "in" / "images" / "inline.jpg", size=(1200, 675))
    line = record(1, body_html='<figure><img src="images/inline.jpg" alt="i"></figure>')
    assert run_import(write_jsonl(tmp_path / "in" / "a.jsonl", line))[0]
    body = Article.objects.get().body
    assert "srcset=" in body

    export = tmp_path / "out" / "export.jsonl"
    call_command("export_articles", "--output", str(export), stdout=io.StringIO())
    exported = json.loads(export.read_text())["body_html"]
    assert "srcset" not in exported and "sizes" not in exported
    assert 'width="1200" height="675"' in exported

    Article.objects.all().delete()
    assert run_import(export)[0]
    assert Article.objects.get().body == body


# Pages ----------------------------------------------------------------------------------


@pytest.fixture
def pictured():
    return with_renditions(
        ArticleFactory(
            section=SectionFactory(name="News"),
            featured_image=image_file("lighthouse.jpg"),
            featured_image_alt="The lighthouse lit at night",
        )
    )


def test_the_featured_image_offers_webp_renditions(reader, pictured):
    page = parse(reader.get(pictured.get_absolute_url()))
    picture = page.select_one("figure.featured-image picture")
    source = picture.select_one("source")
    assert source["type"] == "image/webp"
    assert source["sizes"] == "(min-width: 47em) 45rem, calc(100vw - 2rem)"
    widths = srcset_widths(source["srcset"])
    assert sorted(widths) == [480, 800, 1200]
    assert all(
        url.startswith("/media/renditions/") and url.endswith(".webp") for url in widths.values()
    )
    img = picture.select_one("img")
    assert img["src"] == pictured.featured_image.url  # browsers without WebP get the original
    assert (img["width"], img["height"], img["alt"]) == (
        "1200",
        "675",
        "The lighthouse lit at night",
    )
    assert img["fetchpriority"] == "high" and not img.has_attr("loading")


def test_an_image_without_renditions_is_a_plain_img(reader):
    article = ArticleFactory(featured_image=image_file("plain.jpg"))
    page = parse(reader.get(article.get_absolute_url()))
    assert page.select_one("figure.featured-image picture") is None
    img = page.select_one("figure.featured-image img")
    assert img["src"] == article.featured_image.url
    assert (img["width"], img["height"]) == ("1200", "675")


@pytest.mark.parametrize(
    ("variant", "eager", "sizes"),
    [
        (
            "",
            False,
            "(min-width: 64em) 23rem, (min-width: 40em) calc(50vw - 2rem), calc(100vw - 2rem)",
        ),
        ("lead", True, "(min-width: 64em) 44rem, calc(100vw - 2rem)"),
    ],
)
def test_a_card_offers_renditions_sized_for_its_place(pictured, variant, eager, sizes):
    card = parse_html(
        render_to_string(
            "includes/article_card.html", {"article": pictured, "variant": variant, "eager": eager}
        )
    )
    assert card.select_one("picture source")["sizes"] == sizes
    img = card.select_one("picture img.card__image")
    assert (img["width"], img["height"]) == ("1200", "675")
    if eager:
        assert img["fetchpriority"] == "high" and not img.has_attr("loading")
    else:
        assert img["loading"] == "lazy" and not img.has_attr("fetchpriority")


def parse_html(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def test_a_card_read_without_renditions_costs_no_query(pictured, django_assert_num_queries):
    card_article = (
        Article.objects.latest(None).defer("featured_image_renditions").get(pk=pictured.pk)
    )
    with django_assert_num_queries(0):
        html = render_to_string("includes/article_card.html", {"article": card_article})
    assert parse_html(html).select_one("picture") is None
    assert parse_html(html).select_one("img.card__image") is not None


def test_front_page_cards_offer_renditions(reader, pictured):
    page = parse(reader.get("/"))
    assert page.select_one(".front-lead picture source[type='image/webp']") is not None


# Sanitising -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "srcset",
    [
        "javascript:alert(1) 1x",
        "//evil.example/x.jpg 2x",
        "data:image/png;base64,iVBORw0KGgo= 1x",
        "/ok.jpg 1x, javascript:alert(1) 2x",
        "/\\evil.example/x.jpg 1x",
        "https:evil.example/x.jpg 1x",
        "images/relative.jpg 1x",
        "/ok.jpg onerror=alert(1)",
    ],
)
def test_a_hostile_srcset_is_dropped(srcset):
    html = f'<img src="/media/a.jpg" srcset="{srcset}" alt="A">'
    assert sanitise_body(html) == '<img src="/media/a.jpg" alt="A">'


def test_a_srcset_of_site_paths_and_web_addresses_stays():
    html = (
        '<img src="/media/a.jpg" alt="A" srcset="/media/renditions/a.jpg-480w.webp 480w, '
        'https://cdn.example.com/w_800,c_fill/a.jpg 800w" sizes="(min-width: 47em) 45rem, 100vw">'
    )
    assert sanitise_body(html) == html


def test_a_sizes_that_is_not_a_size_is_dropped():
    html = '<img src="/a.jpg" sizes="100vw&quot;&gt;&lt;script&gt;x()&lt;/script&gt;">'
    assert sanitise_body(html) == '<img src="/a.jpg">'


# Backfill and admin ---------------------------------------------------------------------


def test_make_renditions_backfills_once(pictured):
    older = ArticleFactory(featured_image=image_file("older.jpg", size=(900, 600)))
    broken = ArticleFactory(featured_image=image_file("broken.jpg"))
    default_storage.delete(broken.featured_image.name)
    ArticleFactory()  # no picture: nothing to do
    modified = older.modified

    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert out.getvalue().strip().splitlines() == [
        "2 featured images without renditions: 1 given renditions, "
        "1 left as they are (missing, unreadable or animated files)."
    ]
    older.refresh_from_db()
    assert older.featured_image_renditions == [480, 800]
    assert older.modified > modified  # the page's markup changed
    assert Article.objects.get(pk=pictured.pk).featured_image_renditions == [480, 800, 1200]

    with mock.patch.object(default_storage, "save") as save:
        call_command("make_renditions", stdout=(again := io.StringIO()))
    assert save.call_count == 0
    assert again.getvalue().startswith("1 featured images without renditions: 0 given")


def admin_form(**fields):
    return {
        "headline": "Pictured In The Admin",
        "slug": "pictured-in-the-admin",
        "status": "draft",
        "article_authors-TOTAL_FORMS": "0",
        "article_authors-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        **fields,
    }


def test_an_image_uploaded_in_the_admin_gets_renditions(editor):
    with after_commit():  # the renditions are made by a task the save queued
        response = editor.post(
            reverse("admin:articles_article_add"),
            admin_form(featured_image=image_file("upload.jpg", size=(1000, 600))),
        )
    assert response.status_code == 302, parse(response).select(".errorlist")
    article = Article.objects.get(slug="pictured-in-the-admin")
    assert article.featured_image_renditions == [480, 800]
    assert default_storage.exists(rendition_name(article.featured_image.name, 800))


def test_an_admin_edit_that_keeps_the_image_makes_no_renditions(editor, pictured):
    url = reverse("admin:articles_article_change", args=[pictured.pk])
    form = admin_form(headline="Renamed", slug=pictured.slug)
    assert editor.post(url, form).status_code == 302
    assert not OutboxMessage.objects.exclude(task_name="edge.purge").exists()  # no renditions
    assert Article.objects.get(pk=pictured.pk).featured_image_renditions == [480, 800, 1200]

    cleared = editor.post(url, {**form, "featured_image-clear": "on"})
    assert cleared.status_code == 302
    assert Article.objects.get(pk=pictured.pk).featured_image_renditions == []
