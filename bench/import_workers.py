"""Benchmark: a WordPress export imported from the admin's import job by one worker, then two.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_workers.py                  # 50,000 posts
    ... bench/import_workers.py --posts 10000                     # a shorter run

Writes the synthetic export of bench/import_wordpress.py (posts of several paragraphs with
categories, tags and comments, one picture attachment for every ten posts: the pictures are
referenced, not fetched, so the attachments are reported as skipped). Then, for one worker and
for two, on a throwaway PostgreSQL database of its own (beside the one DATABASE_URL names),
migrated afresh: starts that many real `celery -A newsroom worker -c 1` processes on Redis
(REDIS_URL's server, database 14, a queue of the run's own), submits the file through the
admin's form (`ImportJobForm`: the checks, the private storage, the job and its queued task,
as the admin does), and times the job from the commit that queues it to its end, reading its
state from the database. Prints, for each: the wall time, posts per second, how long the shared
part (authors, topics, pictures, splitting) took before the parts ran, the workers' CPU time,
and how busy the machine's CPUs were meanwhile (all processes: PostgreSQL's, anyone else's).

Options: --posts N (default 50000), --part-items N (IMPORT_PART_ITEMS, default 2000),
--keep-file PATH (write the export there and keep it).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_wordpress import write_export  # noqa: E402  (the same synthetic export)

CELERY = Path(sys.executable).with_name("celery")


def redis_url():
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/")
    return urlunsplit(parts._replace(path="/14"))


def submit_and_wait(path):
    """In a child process set up on the run's database: submit the file through the admin's
    form, then wait for the job to end. Prints the timings as JSON."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from importers.import_forms import ImportJobForm
    from importers.job_models import ImportJob, ImportPart
    from importers.job_report import report_lines
    from jobs.outbox import enqueue

    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
    checked = time.perf_counter()
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile(Path(path).name, handle.read(), "text/xml")
    form = ImportJobForm(data={}, files={"upload": upload})
    if not form.is_valid():
        sys.exit(f"The form refused the export: {form.errors.as_text()}")
    check_seconds = time.perf_counter() - checked
    with transaction.atomic():  # what ImportJobAdmin.save_model does
        job = form.save(commit=False)
        job.file_name = form.store_source()
        job.started_by = user
        job.save()
        enqueue("importers.plan_import", job.pk)
    started = time.perf_counter()
    shared_seconds = None
    while True:
        time.sleep(0.25)
        job.refresh_from_db()
        if shared_seconds is None and ImportPart.objects.filter(job=job, number=1).exists():
            shared_seconds = time.perf_counter() - started
        if job.finished:
            break
    seconds = time.perf_counter() - started
    print(json.dumps({
        "status": job.status,
        "error": job.error,
        "seconds": seconds,
        "shared_seconds": shared_seconds or 0.0,
        "check_seconds": check_seconds,
        "parts": ImportPart.objects.filter(job=job, number__gte=1).count(),
        "summary": [line for line in report_lines(job) if line.startswith("  ")],
        "problems": [line for line in report_lines(job) if not line.startswith(" ")][:6],
        "status_ok": job.status == ImportJob.Status.DONE,
    }))


def cpu_ticks():
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def run(workers, export, base_env, database_url, part_items, root=ROOT):
    """One job on `workers` Celery workers running `root`'s code (a checkout)."""
    name = f"newsroom_bench_workers_{os.getpid()}_{workers}"
    import psycopg

    admin = psycopg.connect(database_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    folder = tempfile.TemporaryDirectory(prefix="newsroom-bench-workers-")
    queue = f"newsroom-bench-{uuid.uuid4().hex[:10]}"
    env = {
        **base_env,
        "DATABASE_URL": urlunsplit(urlsplit(database_url)._replace(path=f"/{name}")),
        "CELERY_BROKER_URL": redis_url(),
        "CELERY_QUEUE": queue,
        "IMPORTS_ROOT": str(Path(folder.name) / "imports"),
        "MEDIA_ROOT": str(Path(folder.name) / "media"),
        "IMPORT_PART_ITEMS": str(part_items),
    }
    processes = []
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                       cwd=root, env=env, check=True)
        for number in range(workers):
            processes.append(subprocess.Popen(
                [str(CELERY), "-A", "newsroom", "worker", "-Q", queue, "-c", "1",
                 "-n", f"bench{number}@%h", "-l", "warning", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"],
                cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
        time.sleep(3)  # the workers connect before the clock starts
        busy_before, total_before = cpu_ticks()
        child = subprocess.run(
            [sys.executable, str(Path(root) / "bench" / "import_workers.py"), "--submit",
             str(export)],
            cwd=root, env=env, capture_output=True, text=True,
        )
        busy_after, total_after = cpu_ticks()
        if child.returncode:
            sys.exit(f"The run failed:\n{child.stdout[-3000:]}{child.stderr[-3000:]}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        result["machine_busy"] = (busy_after - busy_before) / max(total_after - total_before, 1)
    finally:
        for process in processes:
            process.terminate()
        worker_seconds = 0.0
        for process in processes:
            # The worker's own CPU time and its pool process's, which it waited for.
            _, _, usage = os.wait4(process.pid, 0)
            worker_seconds += usage.ru_utime + usage.ru_stime
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        folder.cleanup()
    result["worker_cpu_seconds"] = worker_seconds
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--part-items", type=int, default=2000)
    parser.add_argument("--keep-file")
    parser.add_argument("--submit", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.submit:
        submit_and_wait(options.submit)
        return

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database; the benchmark makes its own.")
    base_env = {
        **os.environ,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-insecure-key"),
        "ENV_FILE": "",
    }
    folder = tempfile.TemporaryDirectory(prefix="newsroom-bench-wxr-")
    export = Path(options.keep_file or Path(folder.name) / "export.xml")
    try:
        started = time.perf_counter()
        write_export(export, options.posts)
        size = export.stat().st_size / 1024 / 1024
        print(f"Wrote {options.posts:,} posts ({size:,.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s; parts of {options.part_items:,} items")
        rates = {}
        for workers in (1, 2):
            result = run(workers, export, base_env, database_url, options.part_items)
            if not result["status_ok"]:
                sys.exit(f"{workers} worker(s): the job ended {result['status']}: "
                         f"{result['error']}")
            rates[workers] = options.posts / result["seconds"]
            print(
                f"{workers} worker{'s' if workers > 1 else ''}: {result['seconds']:.1f} s, "
                f"{rates[workers]:,.0f} posts/s ({result['parts']} parts; shared part and "
                f"split {result['shared_seconds']:.1f} s; the form's check "
                f"{result['check_seconds']:.1f} s; workers' CPU "
                f"{result['worker_cpu_seconds']:.0f} s; both CPUs "
                f"{result['machine_busy']:.0%} busy)"
            )
            print("   " + "\n   ".join(result["problems"] + result["summary"]))
        print(f"two workers: {rates[2] / rates[1]:.2f}x the posts/s of one")
    finally:
        if not options.keep_file:
            folder.cleanup()


if __name__ == "__main__":
    main()
