"""Downloads over HTTP from a server on 127.0.0.1 started by the test: mirrors, retries, resume,
checksums, atomic rename; then the loaders read what was downloaded."""

from __future__ import annotations

import hashlib
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from data_fixtures import MNIST_NAMES, random_cifar10, random_mnist, write_cifar10, write_mnist

from gantk.data import checksums
from gantk.data.checksums import DOWNLOADS, PublishedFile
from gantk.data.cifar10 import load_cifar10
from gantk.data.download import ChecksumError, DownloadError, download_dataset, fetch, main, part_path
from gantk.data.mnist import load_mnist

PAYLOAD = np.random.default_rng(0).integers(0, 256, 300_000, dtype=np.uint8).tobytes()
SHA = hashlib.sha256(PAYLOAD).hexdigest()
# The client timeout is a hang guard for servers that answer at once (loopback, a few ms idle):
# generous, so that a busy CI machine never reads a slow answer as a stall. Only the stall test
# sets a short one, against a server that never answers.
FAST = {"retries": 3, "timeout": 10.0, "backoff": 0.0}
STALL_TIMEOUT_S = 1.0


class _Handler(BaseHTTPRequestHandler):
    """Serves ``server.files``; ``server.modes[path]`` is a list of behaviours, one per request
    (the last one repeats): ok, drop (half the body, then close), wrong (corrupted bytes),
    norange (ignore Range), short (a smaller file), stall (sleep past the client timeout), 404."""

    def do_GET(self):
        server = self.server
        server.requests.append((self.path, self.headers.get("Range")))
        modes = server.modes.setdefault(self.path, ["ok"])
        mode = modes.pop(0) if len(modes) > 1 else modes[0]
        body = server.files.get(self.path)
        if mode == "404" or body is None:
            self.send_error(404)
            return
        if mode == "stall":
            server.release.wait(60)  # never answers while the test runs
        if mode == "wrong":
            body = bytes([body[0] ^ 0xFF]) + body[1:]
        if mode == "short":
            body = body[:-1000]
        start = 0
        requested = self.headers.get("Range")
        if requested and mode != "norange":
            start = int(requested.removeprefix("bytes=").rstrip("-"))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        payload = body[start:]
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload[: len(payload) // 2] if mode == "drop" else payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@pytest.fixture
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.files, httpd.modes, httpd.requests = {}, {}, []
    httpd.release = threading.Event()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused_url():
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/file.bin"


@pytest.fixture
def download_log(caplog):
    """Records of gantk.data.download, whatever handlers the gantk logger has."""
    logger = logging.getLogger("gantk.data.download")
    logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.INFO)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield caplog
    logger.removeHandler(caplog.handler)
    logger.setLevel(previous)


def serve(server, path="/file.bin", body=PAYLOAD, modes=("ok",)):
    server.files[path] = body
    server.modes[path] = list(modes)
    return server.url + path


def test_fetch_downloads_verifies_and_leaves_no_part_file(server, tmp_path, download_log):
    dest = tmp_path / "sub" / "file.bin"
    assert fetch([serve(server)], dest, SHA, size=len(PAYLOAD), progress_interval=0, **FAST) == dest
    assert dest.read_bytes() == PAYLOAD
    assert not part_path(dest).exists() and sorted(p.name for p in dest.parent.iterdir()) == ["file.bin"]
    assert "MB/s" in download_log.text  # progress lines report bytes and rate


def test_fetch_falls_back_to_the_second_mirror(server, tmp_path, refused_url):
    missing = serve(server, "/missing.bin", modes=["404"])
    good = serve(server)
    dest = fetch([refused_url, missing, good], tmp_path / "file.bin", SHA, **FAST)
    assert dest.read_bytes() == PAYLOAD


def test_fetch_does_not_retry_a_mirror_that_answered_404(server, tmp_path):
    missing = serve(server, "/missing.bin", modes=["404"])
    with pytest.raises(DownloadError, match=r"missing\.bin: HTTP 404"):
        fetch([missing], tmp_path / "file.bin", SHA, **FAST)
    assert [path for path, _ in server.requests] == ["/missing.bin"]


def test_fetch_resumes_after_the_connection_drops_mid_file(server, tmp_path):
    url = serve(server, modes=["drop", "ok"])
    dest = fetch([url], tmp_path / "file.bin", SHA, size=len(PAYLOAD), **FAST)
    assert dest.read_bytes() == PAYLOAD
    assert server.requests == [("/file.bin", None), ("/file.bin", f"bytes={len(PAYLOAD) // 2}-")]


def test_fetch_gives_up_on_a_server_that_always_drops_and_keeps_only_the_part(server, tmp_path):
    url = serve(server, modes=["drop"])
    dest = tmp_path / "file.bin"
    with pytest.raises(
        DownloadError, match=r"could not fetch file\.bin.*\n  http://.*/file\.bin: connection closed after"
    ):
        fetch([url], dest, SHA, size=len(PAYLOAD), retries=2, timeout=FAST["timeout"], backoff=0.0)
    assert not dest.exists()
    assert 0 < part_path(dest).stat().st_size < len(PAYLOAD)
    # The next run (a restart after the interruption) resumes from the kept bytes.
    server.modes["/file.bin"] = ["ok"]
    kept = part_path(dest).stat().st_size
    fetch([url], dest, SHA, size=len(PAYLOAD), **FAST)
    assert dest.read_bytes() == PAYLOAD and server.requests[-1] == ("/file.bin", f"bytes={kept}-")


def test_fetch_restarts_from_zero_when_the_server_ignores_range(server, tmp_path):
    dest = tmp_path / "file.bin"
    part_path(dest).write_bytes(PAYLOAD[:1000])
    url = serve(server, modes=["norange"])
    fetch([url], dest, SHA, size=len(PAYLOAD), **FAST)
    assert dest.read_bytes() == PAYLOAD  # not the 1000 kept bytes followed by the whole file


def test_fetch_discards_a_stale_part_whose_resume_fails_the_checksum(server, tmp_path):
    dest = tmp_path / "file.bin"
    part_path(dest).write_bytes(b"\x00" * 1000)  # bytes from some other file
    url = serve(server)
    fetch([url], dest, SHA, size=len(PAYLOAD), **FAST)
    assert dest.read_bytes() == PAYLOAD
    assert server.requests == [("/file.bin", "bytes=1000-"), ("/file.bin", None)]


def test_fetch_checksum_mismatch_names_both_digests_and_leaves_nothing(server, tmp_path):
    url = serve(server, modes=["wrong"])
    wrong = hashlib.sha256(bytes([PAYLOAD[0] ^ 0xFF]) + PAYLOAD[1:]).hexdigest()
    dest = tmp_path / "file.bin"
    with pytest.raises(ChecksumError, match=rf"file\.bin.*sha256 mismatch: expected {SHA}, got {wrong}"):
        fetch([url], dest, SHA, **FAST)
    assert list(tmp_path.iterdir()) == []
    assert len(server.requests) == 1  # a mirror that serves wrong bytes is not asked again


def test_fetch_takes_the_good_copy_when_the_first_mirror_serves_wrong_bytes(server, tmp_path):
    bad = serve(server, "/bad.bin", modes=["wrong"])
    good = serve(server)
    assert fetch([bad, good], tmp_path / "file.bin", SHA, **FAST).read_bytes() == PAYLOAD


def test_fetch_refuses_a_file_of_the_wrong_size_before_downloading_it(server, tmp_path):
    url = serve(server, modes=["short"])
    with pytest.raises(
        DownloadError, match=f"announces {len(PAYLOAD) - 1000} bytes, the published size is {len(PAYLOAD)}"
    ):
        fetch([url], tmp_path / "file.bin", SHA, size=len(PAYLOAD), **FAST)
    assert list(tmp_path.iterdir()) == []


def test_fetch_times_out_on_a_stalled_mirror_and_uses_the_next(server, tmp_path, download_log):
    stalled = serve(server, "/stalled.bin", modes=["stall"])
    good = serve(server)
    fetch([stalled, good], tmp_path / "file.bin", SHA, retries=1, timeout=STALL_TIMEOUT_S, backoff=0.0)
    assert f"timed out after {STALL_TIMEOUT_S:g} s" in download_log.text


def test_fetch_skips_a_file_that_is_already_verified(server, tmp_path):
    dest = tmp_path / "file.bin"
    dest.write_bytes(PAYLOAD)
    fetch([serve(server)], dest, SHA, **FAST)
    assert server.requests == []


def test_fetch_replaces_a_corrupt_file_under_the_final_name(server, tmp_path):
    dest = tmp_path / "file.bin"
    dest.write_bytes(b"corrupt")
    fetch([serve(server)], dest, SHA, **FAST)
    assert dest.read_bytes() == PAYLOAD


def test_fetch_finishes_a_complete_part_left_by_an_interrupted_run_without_downloading(server, tmp_path):
    dest = tmp_path / "file.bin"
    part_path(dest).write_bytes(PAYLOAD)
    fetch([serve(server)], dest, SHA, size=len(PAYLOAD), **FAST)
    assert dest.read_bytes() == PAYLOAD and server.requests == []


def test_fetch_validates_its_arguments(tmp_path):
    with pytest.raises(ValueError, match="64 hex digits"):
        fetch(["http://127.0.0.1/x"], tmp_path / "x", "abc")
    with pytest.raises(ValueError, match="at least one URL"):
        fetch([], tmp_path / "x", SHA)


# --- whole datasets -------------------------------------------------------------------------------


def _published(paths):
    return tuple(PublishedFile(p.name, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths)


def test_download_dataset_mnist_over_http_then_load_mnist(server, tmp_path, monkeypatch):
    rng = np.random.default_rng(7)
    train, test = random_mnist(rng, 10), random_mnist(rng, 4)
    source = tmp_path / "source"
    files = _published(write_mnist(source, "train", *train) + write_mnist(source, "test", *test))
    for f in files:
        serve(server, f"/mnist/{f.name}", (source / f.name).read_bytes())
    monkeypatch.setitem(DOWNLOADS, "mnist", (files, (server.url + "/mnist/",)))

    root = tmp_path / "data" / "mnist"
    paths = download_dataset("mnist", root, **FAST)
    assert [p.name for p in paths] == [f.name for f in files]
    np.testing.assert_array_equal(load_mnist(root)[..., 0], train[0] / np.float32(255))
    np.testing.assert_array_equal(load_mnist(root, "test")[..., 0], test[0] / np.float32(255))


def test_download_dataset_cifar10_with_mirror_override_then_load_cifar10(server, tmp_path, monkeypatch):
    train, test = random_cifar10(np.random.default_rng(8))
    archive = write_cifar10(tmp_path / "source", train, test)
    files = _published([archive])
    serve(server, "/kriz/cifar-10-python.tar.gz", archive.read_bytes())
    monkeypatch.setitem(DOWNLOADS, "cifar10", (files, ("http://127.0.0.1:9/unused/",)))

    root = tmp_path / "data" / "cifar10"
    download_dataset("cifar10", root, mirrors=[server.url + "/kriz"], **FAST)
    images = np.concatenate([b[0] for b in train])
    labels = np.concatenate([b[1] for b in train])
    np.testing.assert_array_equal(load_cifar10(root), images[labels == 7] / np.float32(255))


def test_download_dataset_corrupt_archive_on_the_mirror_leaves_no_file(server, tmp_path, monkeypatch):
    train, test = random_cifar10(np.random.default_rng(9))
    archive = write_cifar10(tmp_path / "source", train, test)
    files = _published([archive])
    serve(server, "/cifar-10-python.tar.gz", archive.read_bytes()[:-500] + b"\x00" * 500)
    monkeypatch.setitem(DOWNLOADS, "cifar10", (files, (server.url,)))
    with pytest.raises(ChecksumError, match=r"cifar-10-python\.tar\.gz.*sha256 mismatch"):
        download_dataset("cifar10", tmp_path / "data", **FAST)
    assert not (tmp_path / "data" / "cifar-10-python.tar.gz").exists()
    assert list((tmp_path / "data").iterdir()) == []


def test_download_dataset_refuses_licensed_datasets_with_instructions(tmp_path):
    with pytest.raises(ValueError, match=r"'celeba' cannot be downloaded.*mmlab.*list_attr_celeba\.txt"):
        download_dataset("celeba", tmp_path)
    with pytest.raises(ValueError, match=r"'imagenet' cannot be downloaded.*image-net\.org"):
        download_dataset("imagenet", tmp_path)
    with pytest.raises(ValueError, match="unknown dataset 'svhn'; downloadable datasets: cifar10, mnist"):
        download_dataset("svhn", tmp_path)


def test_command_line_downloads_and_reports_failure(server, tmp_path, monkeypatch):
    gantk_logger = logging.getLogger("gantk")
    saved = (list(gantk_logger.handlers), gantk_logger.propagate, gantk_logger.level)
    payload = b"x" * 5000
    files = (PublishedFile("t10k-labels-idx1-ubyte.gz", len(payload), hashlib.sha256(payload).hexdigest()),)
    serve(server, "/m/t10k-labels-idx1-ubyte.gz", payload)
    monkeypatch.setitem(DOWNLOADS, "mnist", (files, (server.url + "/m/",)))
    try:
        assert main(["mnist", "--root", str(tmp_path / "ok"), "--backoff", "0", "--log", str(tmp_path / "log")]) == 0
        assert (tmp_path / "ok" / "t10k-labels-idx1-ubyte.gz").read_bytes() == payload
        assert "verified sha256" in (tmp_path / "log").read_text()
        assert (
            main(["mnist", "--root", str(tmp_path / "bad"), "--mirror", server.url + "/nothing/", "--backoff", "0"])
            == 1
        )
        assert not (tmp_path / "bad" / "t10k-labels-idx1-ubyte.gz").exists()
    finally:
        for handler in list(gantk_logger.handlers):
            gantk_logger.removeHandler(handler)
            handler.close()
        for handler in saved[0]:
            gantk_logger.addHandler(handler)
        gantk_logger.propagate, gantk_logger.level = saved[1], saved[2]


# --- the committed values -------------------------------------------------------------------------


def test_committed_checksums_cover_the_official_files_with_published_sizes():
    mnist_files, mnist_mirrors = DOWNLOADS["mnist"]
    assert {f.name for f in mnist_files} == {name for pair in MNIST_NAMES.values() for name in pair}
    sizes = {f.name: f.size for f in mnist_files}
    assert sizes["train-images-idx3-ubyte.gz"] == 9_912_422 and sizes["t10k-labels-idx1-ubyte.gz"] == 4_542
    (cifar,), cifar_mirrors = DOWNLOADS["cifar10"]
    assert cifar.name == "cifar-10-python.tar.gz" and cifar.size == 170_498_071
    for f in (*mnist_files, cifar):
        assert len(f.sha256) == 64 and int(f.sha256, 16) >= 0
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/" in mnist_mirrors
    assert "https://storage.googleapis.com/cvdf-datasets/mnist/" in mnist_mirrors
    assert cifar_mirrors == ("https://www.cs.toronto.edu/~kriz/",)
    assert checksums.DOWNLOADS is DOWNLOADS
