"""Imports from the admin with object storage (a real SeaweedFS): the uploaded export is kept
as a private object, never at a public address, and the workers read it (and the parts it is
split into) from the bucket."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from importers.job_models import ImportJob
from tests import s3
from tests.import_job_files import wxr
from tests.test_object_storage import settings_with, weed  # noqa: F401  (the server fixture)

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_an_uploaded_export_is_a_private_object_the_import_reads_from_the_bucket(
    weed,  # noqa: F811
    editor,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    fresh = settings_with(monkeypatch, **weed.environment())
    settings.STORAGES = {**settings.STORAGES, "imports": fresh["STORAGES"]["imports"]}
    settings.IMPORT_PART_ITEMS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:importers_importjob_add"),
            {
                "upload": SimpleUploadedFile("harbour.xml", wxr(5), "text/xml"),
                "brand": settings.DEFAULT_SITE_ID,  # the form's choice, required
            },
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.error
    assert Article.objects.count() == 5

    key = f"imports/{job.file_name}"
    listed = weed.client().list_objects_v2(Bucket=s3.PRIVATE_BUCKET, Prefix="imports/")
    names = sorted(entry["Key"] for entry in listed["Contents"])
    folder = key.rsplit("/", 1)[0]
    assert names == sorted([key, *(f"{folder}/part-000{n}.xml" for n in (1, 2, 3))])
    assert weed.client().get_object(Bucket=s3.PRIVATE_BUCKET, Key=key)["Body"].read() == wxr(5)
    # Nobody reaches it without the keys, in either bucket.
    assert s3.http_get(f"{weed.endpoint}/{s3.PRIVATE_BUCKET}/{key}")[0] == 403
    assert s3.http_get(f"{weed.endpoint}/{s3.PUBLIC_BUCKET}/{key}")[0] == 404
