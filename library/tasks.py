"""The library's background work: making a picture's renditions (docs/tasks.md).

Queued by `library.renditions.queue_renditions` when a file is stored or replaced, and by
`library.renditions.ask_for` when a page finds a crop missing; found by Celery's autodiscovery.
"""

from jobs.tasks import job
from library import uses
from library.models import Image
from library.renditions import ensure_renditions


@job(name="library.make_renditions")
def make_renditions(image_id, aspect=None):
    """Make what is missing of picture `image_id`'s renditions for `aspect` (None: uncropped)
    and record them on its row; then, for the uncropped set, tell the picture's uses (articles
    keep their own copy of the widths).

    Idempotent: it reads the row as it is now and makes only the files that are not in storage
    (ensure_renditions), so a second run, or a run after a worker was killed half-way, adds
    nothing twice. A picture deleted meanwhile is no error."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return []
    records = ensure_renditions(image, aspect)
    if aspect is None and records:
        uses.follow_renditions(image)
    return [record["name"] for record in records]
