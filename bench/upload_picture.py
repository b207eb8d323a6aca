"""Upload a 24-megapixel JPEG through the library's add form: the response with the renditions
made in the request (before) and queued for a worker (after), and when the renditions are ready.

    make bench-upload                 # PostgreSQL at DATABASE_URL and Redis: a real worker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom make bench-upload
    python bench/upload_picture.py --runs 3 --broker amqp://guest:guest@127.0.0.1:5672//

A throwaway database and media folder are made (bench/harness.py). The picture is drawn once:
6000 × 4000 pixels of gradients, shapes and noise, saved as a JPEG at quality 92 (about 6 MB,
what a camera gives). Each run POSTs it, as a signed-in editor, through Django's test client to
the library's add form (routing, middleware, the form's checks and cleaning, the save, minus
the network), and times the response:

- before: the old path, `ensure_renditions` called in the request where the save now queues
  the task (the baseline, measured in the same run);
- after: the task queued (an outbox row, published to the broker after the commit).

The time until the renditions are recorded is measured from the POST, with a real
`celery -A newsroom worker` on the broker (PostgreSQL only: the worker must share the
database); on SQLite, or with --no-worker, the task's own time in this process stands for it.
Where the response's time goes is shown by timing `clean_image` (decode, turn upright,
re-encode without metadata) on its own. The median of --runs is printed for each.
"""

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import time
import uuid

from harness import ROOT, throwaway_site

SIZE = (6000, 4000)


def draw_picture():
    """A 24-megapixel photograph's worth of JPEG: smooth gradients, shapes and sensor noise."""
    from PIL import Image, ImageDraw

    width, height = SIZE
    red = Image.linear_gradient("L").resize(SIZE)
    green = Image.linear_gradient("L").rotate(90).resize(SIZE)
    blue = Image.radial_gradient("L").resize(SIZE)
    picture = Image.merge("RGB", (red, green, blue))
    pen = ImageDraw.Draw(picture)
    rng = random.Random(24)
    for _ in range(300):
        x, y, side = rng.randrange(width), rng.randrange(height), rng.randrange(40, 600)
        colour = tuple(rng.randrange(256) for _ in range(3))
        pen.ellipse((x, y, x + side, y + side * rng.uniform(0.3, 1.5)), fill=colour)
    noise = Image.effect_noise(SIZE, 24).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(picture, noise, 0.18).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def ms(seconds):
    return f"{seconds * 1000:8.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed uploads of each kind")
    parser.add_argument(
        "--broker",
        default=os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/14",
        help="where the task is queued (default: CELERY_BROKER_URL, else Redis database 14)",
    )
    parser.add_argument(
        "--no-worker", action="store_true", help="time the task in this process instead"
    )
    options = parser.parse_args()

    with throwaway_site() as connection:
        from django.contrib.auth import get_user_model
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client
        from django.urls import reverse

        import library.admin
        from jobs import outbox
        from library.models import Image
        from library.renditions import ensure_renditions
        from library.tasks import make_renditions
        from library.uploads import clean_image
        from newsroom.celery import app

        content = draw_picture()
        print(f"Picture: {SIZE[0]} × {SIZE[1]} JPEG, {len(content) / 1e6:.1f} MB")
        editor = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
        client = Client()
        client.force_login(editor)
        url = reverse("admin:library_image_add")

        def post(number):
            upload = SimpleUploadedFile(f"harbour-{number}.jpg", content, "image/jpeg")
            data = {"file": upload, "alt_text": "Harbour", "credit": "Bench", "focal_x": "0.5",
                    "focal_y": "0.5"}  # fmt: skip
            started = time.perf_counter()
            response = client.post(url, data)
            took = time.perf_counter() - started
            assert response.status_code == 302, response.content[:2000]
            return started, took

        # Every run stores the same bytes, under the same content-addressed name: the row and
        # its files are deleted between runs, so each upload starts from nothing.
        def forget():
            from django.core.files.storage import default_storage

            for image in Image.objects.all():
                for record in image.renditions:
                    default_storage.delete(record["name"])
                default_storage.delete(image.file.name)
            Image.objects.all().delete()

        cleaning = []
        for number in range(options.runs):
            upload = SimpleUploadedFile(f"clean-{number}.jpg", content, "image/jpeg")
            started = time.perf_counter()
            clean_image(upload)
            cleaning.append(time.perf_counter() - started)

        queue = f"newsroom-bench-{uuid.uuid4().hex[:8]}"
        app.conf.update(broker_url=options.broker, task_always_eager=False,
                        task_default_queue=queue)  # fmt: skip
        outbox.broker_answered()

        before = []
        queue_renditions = library.admin.queue_renditions
        library.admin.queue_renditions = ensure_renditions  # the old path: in the request
        try:
            for number in range(options.runs):
                before.append(post(number)[1])
                forget()
        finally:
            library.admin.queue_renditions = queue_renditions

        use_worker = connection.vendor == "postgresql" and not options.no_worker
        worker = start_worker(connection, options.broker, queue) if use_worker else None
        after, ready, in_process = [], [], []
        try:
            if worker is not None:
                post("warm-up")  # the worker's start is not the upload's cost
                wait_for_renditions(Image, timeout=120)
                forget()
            for number in range(options.runs):
                started, took = post(number)
                after.append(took)
                image = Image.objects.get()
                if worker is not None:
                    wait_for_renditions(Image, timeout=120)
                    ready.append(time.perf_counter() - started)
                else:
                    task_started = time.perf_counter()
                    make_renditions.apply([image.pk])
                    in_process.append(time.perf_counter() - task_started)
                forget()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
            purge(app, options.broker, queue)

        print(f"Runs: {options.runs} of each; medians")
        for label, times in [
            ("clean_image alone (decode, upright, re-encode)", cleaning),
            ("response, renditions in the request (before)", before),
            ("response, renditions queued (after)", after),
            ("renditions recorded, from the POST (a worker)", ready),
            ("the task in this process (no worker)", in_process),
        ]:
            if times:
                print(f"  {label:<50} {ms(statistics.median(times))}")


def start_worker(connection, broker, queue):
    """A real worker on the benchmark's database and media folder, taking only `queue`."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    database_url = (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )
    env = {**os.environ, "CELERY_BROKER_URL": broker, "DATABASE_URL": database_url,
           "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "newsroom.settings"}  # fmt: skip
    celery = os.path.join(os.path.dirname(sys.executable), "celery")
    return subprocess.Popen(
        [celery, "-A", "newsroom", "worker", "-Q", queue, "-c", "1", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for_renditions(model, timeout):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if model.objects.exclude(renditions=[]).exists():
            return
        time.sleep(0.02)
    raise SystemExit("No worker made the renditions in time.")


def purge(app, broker, queue):
    """Leave nothing of the benchmark's queue on the broker."""
    try:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
    except Exception:  # a broker without the queue, or gone: nothing to leave behind
        pass


if __name__ == "__main__":
    main()
