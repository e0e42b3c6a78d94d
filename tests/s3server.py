"""A local S3-compatible server (moto in server mode) for the tests and .ci/run: it
stands in for the cloud service only; the app's code path (django-storages, boto3) is
the production one. `python -m tests.s3server PORT` runs one in the foreground."""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ACCESS_KEY = "yizhan-test"
SECRET_KEY = "yizhan-test-secret"
REGION = "us-east-1"


def moto_command(port: int) -> list[str]:
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    return [server or "moto_server", "-H", "127.0.0.1", "-p", str(port)]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)  # waiting for another process to listen
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def start(port: int, log_path: Path | None = None) -> subprocess.Popen:
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        moto_command(port),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "1"},
    )
    try:
        wait_for_port(port)
    except RuntimeError:
        process.kill()
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def new_bucket(endpoint: str, prefix: str = "yizhan") -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def env_for(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment a node needs for this bucket (the names config/settings.py reads)."""
    return {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_REGION": REGION,
        "S3_ADDRESSING_STYLE": "path",
    }


if __name__ == "__main__":
    port = int(sys.argv[1])
    os.execvpe(moto_command(port)[0], moto_command(port), os.environ)
