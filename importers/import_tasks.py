"""The tasks of imports started from the admin (`importers.job_run` does the work).

Both are idempotent, as every task must be (docs/tasks.md): a job's plan and each part resume
from what their last committed batch recorded, so a task run again after its worker was killed
neither repeats nor loses anything. A source refused whole fails the job at once, with the
reason on its page; any other error is retried with backoff, and the job is marked failed
after the last retry (and the task recorded in "Background work → Failed tasks").
"""

from contextlib import contextmanager

from importers import job_run
from importers.records import SourceRefused
from jobs.tasks import job


@contextmanager
def failing_the_job(task, job_id):
    try:
        yield
    except SourceRefused as refusal:
        job_run.fail(job_id, str(refusal))
    except Exception as error:
        if task.request.retries >= task.max_retries:
            job_run.fail(job_id, f"{type(error).__name__}: {error}")
        raise


@job(name="importers.plan_import", bind=True)
def plan_import(self, job_id):
    """Read an import's source, write what its items share, and queue its parts."""
    with failing_the_job(self, job_id):
        job_run.plan(job_id)


@job(name="importers.import_part", bind=True)
def import_part(self, part_id):
    """Import one part of a job, in batches, from where it last stopped."""
    from importers.job_models import ImportPart

    job_id = ImportPart.objects.filter(pk=part_id).values_list("job_id", flat=True).first()
    with failing_the_job(self, job_id):
        job_run.import_part(part_id)
