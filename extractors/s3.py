"""S3 as a source: ``s3://bucket/prefix`` (every document below the prefix, read as a folder
is) or ``s3://bucket`` (the whole bucket), through s3fs.

Credentials are found the way the AWS tools find them, never on the command line or in a
report: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` (``AWS_SESSION_TOKEN``),
``AWS_PROFILE`` with ``~/.aws/credentials`` and ``~/.aws/config``, or the machine's role. The
endpoint is AWS's unless ``VEIKART_S3_ENDPOINT_URL`` names another (a MinIO, a Ceph, a test
server; passed to s3fs as ``endpoint_url``); botocore's own ``AWS_ENDPOINT_URL`` (and
``AWS_ENDPOINT_URL_S3``) work as well. Retries are veikart's (:mod:`extractors.remote`):
botocore's and s3fs's own are turned off, so a failing object costs at most the tries
``VEIKART_RETRIES`` allows.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import listing
from .remote import Crawl, Retry

ENDPOINT_ENV = "VEIKART_S3_ENDPOINT_URL"


def root(url: str) -> str:
    """The bucket and prefix an ``s3://`` URL names, as s3fs paths them.

    >>> root("s3://motes/helse-nord/2023/")
    'motes/helse-nord/2023'
    """
    return url.partition("://")[2].strip("/")


def filesystem(policy: Retry):
    """An s3fs filesystem with veikart's timeout and no retries of its own (and no listing
    cache: every run lists afresh)."""
    import s3fs

    options = {}
    if os.environ.get(ENDPOINT_ENV):
        options["endpoint_url"] = os.environ[ENDPOINT_ENV]
    fs = s3fs.S3FileSystem(
        skip_instance_cache=True, use_listings_cache=False,
        config_kwargs={"connect_timeout": policy.timeout, "read_timeout": policy.timeout,
                       "retries": {"total_max_attempts": 1}}, **options)
    fs.retries = 1  # s3fs's own loop: one try, veikart's retries do the rest
    return fs


def crawl(url: str, known: dict[str, dict], mirror: Path, policy: Retry | None = None) -> Crawl:
    """The documents below ``url``: unchanged ones (same ETag, size and LastModified as when
    last fetched) not downloaded, the others downloaded into ``mirror``, removed ones
    reported (:func:`extractors.listing.sync`)."""
    policy = policy or Retry.from_env()
    return listing.sync(filesystem(policy), url, root(url), known, mirror, policy)
