"""Fetch dataset files over HTTP(S): mirrors, retries, timeouts, resume, SHA-256 check, atomic rename.

A file is streamed into ``<dest>.part`` beside its final name and renamed onto ``dest`` only after
its size and SHA-256 match the published values, so ``dest`` either does not exist or is complete
and verified. An interrupted download leaves only the ``.part`` file; the next call resumes it
with an HTTP ``Range`` request when the server honours ranges, and starts again from byte 0 when
it does not.

Command line (what the workflow's download rule runs)::

    python -m gantk.data.download mnist --root data/mnist
    python -m gantk.data.download cifar10 --root data/cifar10 --log logs/download_cifar10.log
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import logging
import os
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Sequence

from gantk.data.checksums import DOWNLOADS

log = logging.getLogger("gantk.data.download")

_CHUNK_BYTES = 1 << 20
_USER_AGENT = "gantk-data-download/0.1 (Python urllib)"
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class DownloadError(RuntimeError):
    """No URL gave the file with its published size and SHA-256."""


class ChecksumError(DownloadError):
    """The downloaded bytes differ from the published size or SHA-256."""


class _Retryable(Exception):
    """A failure worth trying the same URL again for (dropped connection, timeout, 5xx)."""


class _Permanent(Exception):
    """A failure that repeating will not fix for this URL (404, wrong size announced)."""


def part_path(dest: str | os.PathLike) -> Path:
    """Where :func:`fetch` keeps the bytes of ``dest`` until they are verified: ``<dest>.part``."""
    dest = Path(dest)
    return dest.with_name(dest.name + ".part")


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, lower-case hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(
    urls: Sequence[str],
    dest: str | os.PathLike,
    sha256: str,
    *,
    size: int | None = None,
    retries: int = 3,
    timeout: float = 30.0,
    backoff: float = 1.0,
    progress_interval: float = 5.0,
) -> Path:
    """Download one file from the first URL that delivers it intact.

    Each round tries every URL still in play, in order; after a failed round it waits
    ``backoff · 2^(round − 1)`` seconds and tries again, up to ``retries`` rounds. A URL that
    answers 4xx (other than 408/429), announces the wrong size or serves bytes with the wrong
    digest is dropped; dropped connections, timeouts and 5xx answers are retried, resuming the
    ``.part`` file. If ``dest`` already holds the right bytes nothing is downloaded.

    Args:
        urls: mirror URLs of the same file, tried in order.
        dest: final path of the file; its directory is created.
        sha256: published SHA-256 of the file, hex.
        size: published size in bytes, or None to check the digest only.
        retries: number of rounds over the URLs (≥ 1).
        timeout: seconds to wait for a connection or for any read (socket timeout).
        backoff: base of the exponential wait between rounds, seconds (0 in tests).
        progress_interval: seconds between progress log lines.

    Returns:
        ``dest`` as a Path, holding the verified file.

    Raises:
        ChecksumError: every URL served bytes with the wrong size or digest; the message names the
            file, each URL and the expected and actual digests. No ``.part`` file is left.
        DownloadError: no URL delivered the file; the message names the file and each URL with
            the reason it failed. A partial ``.part`` file may be kept for the next call to resume.
    """
    urls = [str(u) for u in urls]
    sha256 = sha256.lower()
    if not urls:
        raise ValueError("fetch needs at least one URL")
    if not _SHA256_HEX.fullmatch(sha256):
        raise ValueError(f"sha256 must be 64 hex digits, got {sha256!r}")
    if retries < 1:
        raise ValueError(f"retries must be >= 1, got {retries}")
    if timeout <= 0 or backoff < 0:
        raise ValueError(f"timeout must be > 0 and backoff >= 0, got timeout={timeout}, backoff={backoff}")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        got = sha256_of(dest)
        if got == sha256 and (size is None or dest.stat().st_size == size):
            log.info("%s: present and verified (sha256 %s), not downloading", dest, sha256)
            return dest
        log.warning("%s: exists but its sha256 is %s, expected %s; downloading it again", dest, got, sha256)

    part = part_path(dest)
    reasons: dict[str, tuple[bool, str]] = {}  # url -> (was a checksum failure, why)
    live = list(urls)
    for round_ in range(retries):
        if round_ > 0:
            time.sleep(backoff * 2 ** (round_ - 1))
        for url in list(live):
            resumed_from = 0
            try:
                resumed_from = _stream_to_part(url, part, size, timeout, progress_interval, dest.name)
                _verify_part(part, sha256, size)
            except ChecksumError as exc:
                reasons[url] = (True, str(exc))
                # A mismatch after resuming may come from stale bytes of an earlier run: the
                # .part is gone now, so the same URL gets another, clean, chance.
                if resumed_from == 0:
                    live.remove(url)
                log.warning("%s: %s", url, exc)
                continue
            except _Permanent as exc:
                reasons[url] = (False, str(exc))
                live.remove(url)
                log.warning("%s: %s (not retrying this URL)", url, exc)
                continue
            except _Retryable as exc:
                reasons[url] = (False, str(exc))
                log.warning("%s: %s (round %d of %d)", url, exc, round_ + 1, retries)
                continue
            os.replace(part, dest)
            log.info("%s: verified sha256 %s, saved as %s", url, sha256, dest)
            return dest
        if not live:
            break

    tried = "\n".join(f"  {url}: {reasons[url][1] if url in reasons else 'not tried'}" for url in urls)
    all_checksum = bool(reasons) and all(was_checksum for was_checksum, _ in reasons.values())
    error = ChecksumError if all_checksum else DownloadError
    kept = f"\nthe partial download is kept as {part} and resumed next time" if part.exists() else ""
    raise error(f"could not fetch {dest.name} into {dest.parent} (expected sha256 {sha256}):\n{tried}{kept}")


def _stream_to_part(
    url: str, part: Path, size: int | None, timeout: float, progress_interval: float, label: str
) -> int:
    """Append the rest of ``url`` to ``part`` (or rewrite it); return the byte offset resumed from."""
    offset = part.stat().st_size if part.exists() else 0
    if size is not None and offset > size:
        part.unlink()
        offset = 0
    if size is not None and offset == size:
        return offset
    headers = {"User-Agent": _USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:
            part.unlink()
            raise _Retryable("server refused the resume range (HTTP 416); will restart from byte 0") from exc
        if 400 <= exc.code < 500 and exc.code not in (408, 429):
            raise _Permanent(f"HTTP {exc.code} {exc.reason}") from exc
        raise _Retryable(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _Retryable(_describe(exc, timeout)) from exc
    except ValueError as exc:  # malformed or unsupported URL
        raise _Permanent(str(exc)) from exc

    with response:
        mode = "wb"
        if offset and response.status == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
            if match is None or int(match.group(1)) != offset:
                part.unlink()
                raise _Retryable(
                    f"answered Range bytes={offset}- with Content-Range "
                    f"{response.headers.get('Content-Range')!r}; will restart from byte 0"
                )
            mode = "ab"
        elif offset:
            log.info("%s: server ignored the Range request; restarting %s from byte 0", url, label)
            offset = 0
        length_header = response.headers.get("Content-Length")
        length = int(length_header) if length_header and length_header.isdigit() else None
        if size is not None and length is not None and offset + length != size:
            raise _Permanent(f"server announces {offset + length} bytes, the published size is {size}")
        total = offset + length if length is not None else size
        received = _copy_with_progress(response, part, mode, offset, total, timeout, progress_interval, label)
    if length is not None and received < length:
        raise _Retryable(f"connection closed after {offset + received} of {offset + length} bytes")
    return offset


def _copy_with_progress(
    response, part: Path, mode: str, offset: int, total: int | None, timeout: float, interval: float, label: str
) -> int:
    """Copy the response body into ``part``; log bytes and rate every ``interval`` seconds."""
    received = 0
    start = last = time.monotonic()
    with open(part, mode) as f:
        try:
            while True:
                block = response.read(_CHUNK_BYTES)
                if not block:
                    break
                f.write(block)
                received += len(block)
                now = time.monotonic()
                if now - last >= interval:
                    last = now
                    log.info(
                        "%s: %s at %.2f MB/s",
                        label,
                        _progress(offset + received, total),
                        received / 1e6 / (now - start),
                    )
        except (OSError, http.client.HTTPException) as exc:
            raise _Retryable(f"{_describe(exc, timeout)} after {offset + received} bytes") from exc
        finally:
            f.flush()
            os.fsync(f.fileno())
    elapsed = max(time.monotonic() - start, 1e-9)
    log.info("%s: received %d bytes in %.1f s (%.2f MB/s)", label, received, elapsed, received / 1e6 / elapsed)
    return received


def _verify_part(part: Path, sha256: str, size: int | None) -> None:
    got_size = part.stat().st_size
    if size is not None and got_size != size:
        part.unlink()
        raise ChecksumError(f"size mismatch: expected {size} bytes, got {got_size}")
    got = sha256_of(part)
    if got != sha256:
        part.unlink()
        raise ChecksumError(f"sha256 mismatch: expected {sha256}, got {got}")


def _progress(done: int, total: int | None) -> str:
    if total:
        return f"{done / 1e6:.1f} of {total / 1e6:.1f} MB ({100 * done / total:.0f}%)"
    return f"{done / 1e6:.1f} MB"


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot connect: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"


def dataset_urls(name: str, mirrors: Sequence[str] | None = None) -> dict[str, list[str]]:
    """File name -> URLs to try, for a downloadable dataset (``"mnist"`` or ``"cifar10"``).

    ``mirrors`` replaces the committed mirror list (base URLs; the file name is appended).
    """
    files, default_mirrors = _downloadable(name)
    bases = [m.rstrip("/") + "/" for m in (mirrors or default_mirrors)]
    return {f.name: [base + f.name for base in bases] for f in files}


def download_dataset(
    name: str,
    root: str | os.PathLike,
    *,
    mirrors: Sequence[str] | None = None,
    retries: int = 3,
    timeout: float = 30.0,
    backoff: float = 1.0,
) -> list[Path]:
    """Fetch and verify every official file of ``"mnist"`` or ``"cifar10"`` into ``root``.

    Files already present with the right digest are not downloaded again. The loaders
    (:func:`gantk.data.load_mnist`, :func:`gantk.data.load_cifar10`) read the same ``root``.

    Args:
        name: ``"mnist"`` (4 IDX gz files, 11.6 MB) or ``"cifar10"`` (one tarball, 170.5 MB).
        root: directory that receives the files under their official names.
        mirrors: base URLs to use instead of the committed ones (e.g. a local cache).
        retries, timeout, backoff: as for :func:`fetch`.

    Returns:
        The paths of the verified files, in the order of ``gantk.data.checksums``.

    Raises:
        ValueError: for a dataset that is not openly downloadable (the message says where to get
            it) or an unknown name.
        DownloadError: as raised by :func:`fetch`.
    """
    files, _ = _downloadable(name)
    urls = dataset_urls(name, mirrors)
    root = Path(root)
    return [
        fetch(urls[f.name], root / f.name, f.sha256, size=f.size, retries=retries, timeout=timeout, backoff=backoff)
        for f in files
    ]


def _downloadable(name: str):
    if name in DOWNLOADS:
        return DOWNLOADS[name]
    from gantk.data.registry import DATASETS

    if name in DATASETS:
        info = DATASETS[name]
        raise ValueError(
            f"dataset {name!r} cannot be downloaded automatically ({info.source}); "
            f"set its 'root' option to a local copy. {info.expected}"
        )
    raise ValueError(f"unknown dataset {name!r}; downloadable datasets: {', '.join(sorted(DOWNLOADS))}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m gantk.data.download {mnist,cifar10} --root DIR``; returns the exit status."""
    from gantk.common.logging_utils import setup_logging

    parser = argparse.ArgumentParser(
        prog="python -m gantk.data.download", description="Fetch and verify the official files of a dataset."
    )
    parser.add_argument("name", choices=sorted(DOWNLOADS), help="dataset to fetch")
    parser.add_argument("--root", required=True, help="directory that receives the files")
    parser.add_argument("--mirror", action="append", default=None, help="base URL to use (repeatable)")
    parser.add_argument("--retries", type=int, default=3, help="rounds over the mirrors (default 3)")
    parser.add_argument("--timeout", type=float, default=30.0, help="socket timeout in seconds (default 30)")
    parser.add_argument("--backoff", type=float, default=1.0, help="base wait between rounds, seconds (default 1)")
    parser.add_argument("--log", default=None, help="also append log lines to this file")
    args = parser.parse_args(argv)
    setup_logging(args.log)
    try:
        paths = download_dataset(
            args.name, args.root, mirrors=args.mirror, retries=args.retries, timeout=args.timeout, backoff=args.backoff
        )
    except (DownloadError, ValueError) as exc:
        log.error("%s", exc)
        return 1
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
