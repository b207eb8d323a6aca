"""The library's JSON for the admin's body editor: find pictures and the HTML to insert.

`image_search` (URL name `library:image-search`) answers GET with

    {"results": [{"id": 12,
                  "thumbnail": "/media/renditions/library/2026/11/harbour.jpg-240w.webp",
                  "url": "/media/library/2026/11/harbour.jpg",
                  "alt": "…", "caption": "…", "credit": "…",
                  "width": 1200, "height": 675,
                  "html": "<figure data-credit=\\"…\\"><img src alt width height srcset sizes>"
                          "<figcaption>…</figcaption></figure>"}, …],
     "page": 1, "has_next": false}

Query parameters, all optional: `q` (words that must each appear in the alt text, caption,
credit or source note), `id` (one picture by its id; the result list is then empty or one
long), `page` (from 1; `PAGE_SIZE` pictures a page, newest first). `html` is
`Image.figure_html()`: the shape article bodies store, which survives `sanitise_body`
unchanged. Only signed-in staff with the `library.view_image` permission are answered; others
get 403 with {"error": …}.
"""

from functools import reduce
from operator import and_, or_

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from library.models import Image
from newsroom.db_routing import reads_from_primary

PAGE_SIZE = 24
SEARCHED = ["alt_text", "caption", "credit", "source_note"]


def _matching(words):
    """A condition each word must meet in one of the searched fields."""
    return reduce(
        and_,
        (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in SEARCHED)) for word in words),
        Q(),
    )


def image_json(image):
    """One picture as `image_search` returns it."""
    return {
        "id": image.pk,
        "thumbnail": image.thumbnail_url,
        "url": image.file.url,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "html": str(image.figure_html()),
    }


@reads_from_primary  # the body editor's chooser: a picture just uploaded is there
@never_cache
@require_GET
def image_search(request):
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("library.view_image")):
        return JsonResponse({"error": "Sign in to the admin to use the media library."}, status=403)
    images = Image.objects.all()
    if request.GET.get("id"):
        try:
            images = images.filter(pk=int(request.GET["id"]))
        except ValueError:
            return JsonResponse({"error": "`id` must be a whole number."}, status=400)
    if words := request.GET.get("q", "").split():
        images = images.filter(_matching(words[:10]))
    page = Paginator(images, PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "results": [image_json(image) for image in page],
            "page": page.number,
            "has_next": page.has_next(),
        }
    )
