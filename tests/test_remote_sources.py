"""S3 and WebDAV folders as sources, against real servers on 127.0.0.1 (moto's S3 server,
WsgiDAV under cheroot), one of each per module: everything is ingested at first, an unchanged
run downloads no document bytes, a changed document is downloaded alone, a removed one is
reported; a 500, a hang and a dropped connection cost only their documents, a transient 503
is retried and read; credentials come from the environment and never show (issue: sources).

Both servers stand behind :class:`Faults`, a WSGI middleware that counts the GETs of every
path (downloads: the listings are PROPFINDs and GETs with a query) and breaks chosen paths.
"""

from __future__ import annotations

import logging
import shutil
import socket
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest
from conftest import DIST, MOTE39, SAMPLES

from extractors import fetch
from veikart.cli import main
from veikart.errors import ExitCode

#: Longest a 'hang' path keeps its answer back (the tests' timeout is 1 s).
HANG = 4.0
DECK = SAMPLES / f"{DIST}.pptx"
MINUTES = SAMPLES / f"referat_{MOTE39}.docx"
PAGE = SAMPLES / "prosjektside_digital_dialog.html"
SECRET = "hemmelig-xyz-42"
USER = "anne"


class Faults:
    """WSGI middleware in front of a test server: counts the GETs of each path and breaks
    the paths in ``rules``: ``500`` answers 500 every time, ``flaky`` answers 503 to the
    first GET only, ``hang`` keeps its answer back for :data:`HANG` seconds, ``drop`` sends
    half the body and closes the connection."""

    def __init__(self, app):
        self.app = app
        self.gets: Counter[str] = Counter()
        self.rules: dict[str, str] = {}
        self.lock = threading.Lock()
        self.released = threading.Event()

    def __call__(self, environ, start_response):
        path = unquote(environ.get("PATH_INFO", ""))
        if environ["REQUEST_METHOD"] != "GET" or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)  # a listing, not a download
        with self.lock:
            self.gets[path] += 1
            first = self.gets[path] == 1
        rule = self.rules.get(path)
        if rule == "500" or (rule == "flaky" and first):
            status = "500 Internal Server Error" if rule == "500" else "503 Service Unavailable"
            start_response(status, [("Content-Type", "text/plain"), ("Content-Length", "4")])
            return [b"fail"]
        if rule == "hang":
            self.released.wait(HANG)
        if rule == "drop":
            return self._drop(environ, start_response)
        return self.app(environ, start_response)

    def _drop(self, environ, start_response):
        answer: dict = {}

        def keep(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(self.app(environ, keep))
        start_response(answer["status"], answer["headers"])  # the whole length announced

        def half():
            yield body[:len(body) // 2]
            sock = environ.get("werkzeug.socket")  # cheroot closes it on the error itself
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("the test drops the connection on purpose")

        return half()

    def downloads(self, suffix: str) -> int:
        return sum(n for path, n in self.gets.items() if path.endswith(suffix))


# ------------------------------------------------------------------ servers, once per module
@pytest.fixture(scope="module")
def moto():
    """moto's S3 server on 127.0.0.1 behind :class:`Faults`: (endpoint, faults)."""
    from moto.server import ThreadedMotoServer

    quiet = logging.getLogger("werkzeug")  # its request lines, and the drops it is made to do
    level, quiet.level = quiet.level, logging.CRITICAL
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    faults = Faults(server._server.app)
    server._server.app = faults  # the request handler asks the server for its app each time
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}", faults
    faults.released.set()
    server.stop()
    quiet.setLevel(level)


@pytest.fixture(scope="module")
def dav(tmp_path_factory):
    """WsgiDAV under cheroot on 127.0.0.1, serving a folder at /dav to user anne only (basic
    auth), behind :class:`Faults`: (base URL without scheme, the folder, faults)."""
    from cheroot import wsgi
    from wsgidav.wsgidav_app import WsgiDAVApp

    root = tmp_path_factory.mktemp("dav")
    app = WsgiDAVApp({
        "provider_mapping": {"/dav": str(root)},
        "http_authenticator": {"accept_basic": True, "accept_digest": False,
                               "default_to_digest": False},
        "simple_dc": {"user_mapping": {"*": {USER: {"password": SECRET}}}},
        "verbose": 0, "logging": {"enable": False},
    })
    faults = Faults(app)
    server = wsgi.Server(("127.0.0.1", 0), faults, numthreads=8)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.bind_addr[1]}", root, faults
    faults.released.set()
    server.stop()


@pytest.fixture
def s3(moto, monkeypatch, tmp_path):
    """A fresh bucket on the moto server, credentials in the environment only: (boto3
    client, bucket, faults)."""
    import boto3

    endpoint, faults = moto
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": SECRET,
                        "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
                        "VEIKART_S3_ENDPOINT_URL": endpoint}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    bucket = f"motes-{tmp_path.name.lower().replace('_', '-')}"[:60].rstrip("-")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    faults.gets.clear()
    faults.rules.clear()
    return client, bucket, faults


@pytest.fixture
def webdav(dav, monkeypatch, request):
    """A fresh folder on the WebDAV server, anne's credentials in the environment: (source
    URL, its folder, its path on the server, faults)."""
    address, root, faults = dav
    folder = root / request.node.name
    folder.mkdir()
    monkeypatch.setenv("VEIKART_WEBDAV_USER", USER)
    monkeypatch.setenv("VEIKART_WEBDAV_PASSWORD", SECRET)
    faults.gets.clear()
    faults.rules.clear()
    return f"webdav://{address}/dav/{folder.name}", folder, f"/dav/{folder.name}", faults


def _put(client, bucket: str, key: str, source: Path | bytes) -> None:
    body = source if isinstance(source, bytes) else source.read_bytes()
    client.put_object(Bucket=bucket, Key=key, Body=body)


def _docs(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents.parquet").set_index("source_path")


def _no_secret(out: Path, *texts: str) -> None:
    """The password shows nowhere: not on the terminal, in the documents or the report."""
    assert all(SECRET not in t for t in texts)
    assert SECRET not in (out / "report.html").read_text("utf-8")
    assert SECRET not in " ".join(map(str, _docs(out)["error"].dropna()))


def _incremental(url: str, out: Path, capsys, faults: Faults, change, remove) -> None:
    """The four runs both kinds must pass: all, none, the changed one alone, the removed one
    reported once."""
    args = ["ingest", url, "--out", str(out)]
    assert main(args) == ExitCode.ok
    said = capsys.readouterr()
    docs = _docs(out)
    deck, minutes = f"{url}/2023/veikart.pptx", f"{url}/referat.docx"
    assert docs.loc[deck, "status"] == "ok" and docs.loc[minutes, "status"] == "ok"
    assert docs.loc[deck, "source_uri"] == deck  # provenance: the URL beside the sha256
    assert (out / "state" / "mirror" / f"{docs.loc[deck, 'source_sha256']}.pptx").is_file()
    assert docs.loc[f"{url}/logo.png", "error"] == "unsupported format (.png)"
    assert docs.loc[f"{url}/.papirkurv", "error"] == "hidden folder"
    assert docs.loc[f"{url}/~$veikart.pptx", "error"] == "an editor's lock or backup file"
    assert not any("annet" in p for p in docs.index)  # outside the prefix: not this source
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    assert (roadmap.source_path == deck).sum() > 20
    assert faults.downloads("veikart.pptx") == 1 and faults.downloads("referat.docx") == 1
    assert faults.downloads("gammel.pdf") == 0
    _no_secret(out, said.out, said.err)

    faults.gets.clear()  # unchanged: the listing only, no document bytes
    assert main(args) == ExitCode.ok
    assert "(0 ok, 0 failed), 2 unchanged" in capsys.readouterr().out
    assert sum(faults.gets.values()) == 0

    change()
    remove()
    assert main(args) == ExitCode.partial  # the removed deck is reported
    said = capsys.readouterr()
    assert faults.downloads("referat.docx") == 1 and faults.downloads("veikart.pptx") == 0
    assert f"{deck}: no longer in {url} (removed since it was fetched" in said.err
    assert "(1 ok, 1 failed)" in said.out
    assert _docs(out).loc[deck, "status"] == "failed"

    faults.gets.clear()  # reported once; the rest is unchanged
    assert main(args) == ExitCode.ok
    said = capsys.readouterr()
    assert "no longer in" not in said.err and "1 unchanged" in said.out
    assert sum(faults.gets.values()) == 0


def _failures(url: str, out: Path, capsys, faults: Faults, prefix: str) -> None:
    """A 500, a hang and a dropped connection cost only their documents, after their
    tries; a 503 once is tried again and read; the rest of the source is read."""
    faults.rules.update({f"{prefix}/feil.docx": "500", f"{prefix}/ustabil.docx": "flaky",
                         f"{prefix}/henger.docx": "hang", f"{prefix}/brutt.docx": "drop"})
    assert main(["ingest", url, "--out", str(out)]) == ExitCode.partial
    said = capsys.readouterr()
    errors = [line for line in said.err.splitlines() if line.startswith("veikart: error: ")]
    assert len(errors) == 3, said.err
    assert f"{url}/feil.docx: the server answered 500 Internal Server Error (tried 3 " \
           "times)" in said.err
    assert f"{url}/henger.docx: no answer within 1 s (tried 3 times)" in said.err
    assert f"{url}/brutt.docx: the connection failed (" in said.err
    assert faults.downloads("feil.docx") == 3 and faults.downloads("henger.docx") == 3
    assert faults.downloads("ustabil.docx") == 2  # a 503, then the document
    docs = _docs(out)
    assert docs.loc[f"{url}/ustabil.docx", "status"] == "ok"
    assert docs.loc[f"{url}/side.html", "status"] == "ok"
    assert "(2 ok, 3 failed)" in said.out
    _no_secret(out, said.out, said.err)


def _fast_failures(monkeypatch) -> None:
    monkeypatch.setenv("VEIKART_REMOTE_TIMEOUT", "1")
    monkeypatch.setenv("VEIKART_RETRIES", "2")


# ------------------------------------------------------------------ S3
def test_s3_prefix_incrementally(prefect_harness, s3, tmp_path, capsys):
    client, bucket, faults = s3
    url = f"s3://{bucket}/helse-nord"
    for key, source in {"helse-nord/2023/veikart.pptx": DECK, "helse-nord/referat.docx":
                        MINUTES, "helse-nord/logo.png": b"\x89PNG\r\n\x1a\n",
                        "helse-nord/.papirkurv/gammel.pdf": b"%PDF-1.4",
                        "helse-nord/~$veikart.pptx": b"lock", "annet/x.docx": MINUTES}.items():
        _put(client, bucket, key, source)

    def change():
        _put(client, bucket, "helse-nord/referat.docx", MINUTES.read_bytes() + b"\0")

    def remove():
        client.delete_object(Bucket=bucket, Key="helse-nord/2023/veikart.pptx")

    _incremental(url, tmp_path / "out", capsys, faults, change, remove)


def test_s3_failures_cost_only_their_documents(prefect_harness, s3, tmp_path, capsys,
                                                monkeypatch, moto):
    client, bucket, faults = s3
    _fast_failures(monkeypatch)
    monkeypatch.delenv("VEIKART_S3_ENDPOINT_URL")  # botocore's own variable works as well
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto[0])
    for name in ("feil", "ustabil", "henger", "brutt"):
        _put(client, bucket, f"inn/{name}.docx", MINUTES.read_bytes() + name.encode())
    _put(client, bucket, "inn/side.html", PAGE)
    _failures(f"s3://{bucket}/inn", tmp_path / "out", capsys, faults, f"/{bucket}/inn")


def test_s3_listing_failures_remove_nothing(s3, tmp_path, monkeypatch):
    """A bucket that is not there, or a server that does not answer, fails the source with
    one line and reports nothing as removed; credentials never show."""
    _, bucket, _ = s3
    known = {f"s3://{bucket}-nix/inn/a.docx": {"url": "x", "fetched_at": "2026-01-01"}}
    crawl = fetch.crawl(f"s3://{bucket}-nix/inn", known, tmp_path)
    assert [d.status for d in crawl.documents] == ["failed"] and crawl.removed == []
    assert crawl.documents[0].error == ("cannot list it: the server answered 404 Not Found "
                                        "(NoSuchBucket)")
    _fast_failures(monkeypatch)
    monkeypatch.setenv("VEIKART_RETRIES", "1")
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        monkeypatch.setenv("VEIKART_S3_ENDPOINT_URL", f"http://127.0.0.1:"
                                                      f"{unused.getsockname()[1]}")
        crawl = fetch.crawl(f"s3://{bucket}/inn", {}, tmp_path)
    assert crawl.documents[0].error.startswith("cannot list it: the connection failed")
    assert crawl.documents[0].error.endswith("(tried 2 times)")
    assert SECRET not in crawl.documents[0].error


# ------------------------------------------------------------------ WebDAV
def test_webdav_folder_incrementally(prefect_harness, webdav, tmp_path, capsys):
    url, folder, _, faults = webdav
    (folder / "2023").mkdir()
    (folder / ".papirkurv").mkdir()
    shutil.copy(DECK, folder / "2023" / "veikart.pptx")
    shutil.copy(MINUTES, folder / "referat.docx")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / ".papirkurv" / "gammel.pdf").write_bytes(b"%PDF-1.4")
    (folder / "~$veikart.pptx").write_bytes(b"lock")

    def change():
        (folder / "referat.docx").write_bytes(MINUTES.read_bytes() + b"\0")

    def remove():
        (folder / "2023" / "veikart.pptx").unlink()

    _incremental(url, tmp_path / "out", capsys, faults, change, remove)


def test_webdav_failures_cost_only_their_documents(prefect_harness, webdav, tmp_path, capsys,
                                                    monkeypatch):
    url, folder, prefix, faults = webdav
    _fast_failures(monkeypatch)
    for name in ("feil", "ustabil", "henger", "brutt"):
        (folder / f"{name}.docx").write_bytes(MINUTES.read_bytes() + name.encode())
    shutil.copy(PAGE, folder / "side.html")
    _failures(url, tmp_path / "out", capsys, faults, prefix)


def test_webdav_credentials(webdav, tmp_path, monkeypatch):
    """A wrong password is a permanent failure (401: tried once) that never shows the
    password; a URL with credentials in it is refused; netrc is read when the environment
    has none."""
    url, folder, _, faults = webdav
    shutil.copy(PAGE, folder / "side.html")
    monkeypatch.setenv("VEIKART_WEBDAV_PASSWORD", "feil-passord-77")
    crawl = fetch.crawl(url, {}, tmp_path / "mirror")
    assert crawl.documents[0].error == "cannot list it: the server answered 401 Unauthorized"
    with_password = url.replace("webdav://", f"webdav://{USER}:{SECRET}@")
    crawl = fetch.crawl(with_password, {}, tmp_path / "mirror")
    (refused,) = crawl.documents
    assert SECRET not in refused.url and "credentials go in VEIKART_WEBDAV_USER" in refused.error
    monkeypatch.delenv("VEIKART_WEBDAV_USER")
    monkeypatch.delenv("VEIKART_WEBDAV_PASSWORD")
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {SECRET}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    crawl = fetch.crawl(url, {}, tmp_path / "mirror")
    assert [(d.url, d.status) for d in crawl.documents] == [(f"{url}/side.html", "fetched")]
    assert faults.downloads("side.html") == 1
