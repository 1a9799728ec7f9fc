"""Asking other sites whether links to them still work: politely, and within a deadline.

`probe_all` sends at most a few requests at once, and at most `per_host` to one host; it starts
none after the deadline. A HEAD request is tried first, and a small GET when a server refuses
HEAD. It only reports; what a failure means for a build is the caller's business.
"""
from __future__ import annotations

import itertools
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException
from urllib.parse import quote, urlsplit

USER_AGENT = "sitegen-linkcheck"
GET_BYTES = 4096  # enough to know a GET succeeds without downloading the page
UNCHECKED = "unchecked"  # the answer for URLs the deadline left


def probe_all(urls: Iterable[str], timeout: float, workers: int, per_host: int,
              deadline: float) -> dict[str, str | None]:
    """Each URL's problem in words (None when it answers well, `UNCHECKED` after the deadline)."""
    ordered = _interleaved(urls)
    prober = _Prober({_host_of(url) for url in ordered}, timeout, per_host, deadline)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(ordered, pool.map(prober.probe, ordered), strict=True))


class _KeepMethod(urllib.request.HTTPRedirectHandler):
    """Follows redirects with the method asked for, so a HEAD stays a HEAD."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        request = super().redirect_request(req, fp, code, msg, headers, newurl)
        if request is not None:
            request.method = req.get_method()
        return request


class _Prober:
    """Asks other hosts about URLs: at most `per_host` at once per host, none after the deadline."""

    def __init__(self, hosts, timeout: float, per_host: int, deadline: float):
        self.hosts = {host: threading.Semaphore(per_host) for host in hosts}
        self.timeout = timeout
        self.stop_at = time.monotonic() + deadline
        self.opener = urllib.request.build_opener(_KeepMethod)

    def probe(self, url: str) -> str | None:
        """Return what is wrong with `url` in words, UNCHECKED, or None when it answers well."""
        with self.hosts[_host_of(url)]:
            if time.monotonic() >= self.stop_at:
                return UNCHECKED
            try:
                try:
                    self.fetch(url, "HEAD")
                except urllib.error.HTTPError as error:
                    error.close()
                    if error.code not in (403, 405, 501) or time.monotonic() >= self.stop_at:
                        raise
                    self.fetch(url, "GET")
            except urllib.error.HTTPError as error:
                error.close()
                return f"answered {error.code} {error.reason}"
            except (OSError, HTTPException, ValueError) as error:
                return self.failure(error)
            return None

    def fetch(self, url: str, method: str) -> None:
        safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
        request = urllib.request.Request(safe_url, method=method, headers={"User-Agent": USER_AGENT})
        with self.opener.open(request, timeout=self.timeout) as response:
            if method == "GET":
                response.read(GET_BYTES)

    def failure(self, error: Exception) -> str:
        """Say why a request failed: URLError wraps the socket's error in `reason`."""
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            return f"did not answer within {self.timeout:g} s"
        return f"could not be reached ({getattr(reason, 'strerror', None) or reason})"


def _host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _interleaved(urls) -> list[str]:
    """Order `urls` host by host in turn, so that workers do not all wait for one host."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in sorted(urls):
        by_host[_host_of(url)].append(url)
    return [url for group in itertools.zip_longest(*by_host.values()) for url in group if url]
