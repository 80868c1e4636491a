"""Fetching a manifest by address never reaches an internal host (SSRF)."""

from __future__ import annotations

import http.server
import threading
from typing import Any

import pytest

from maillage.designs import fetch


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://localhost/", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://[::1]/", "loopback"),
        ("http://169.254.169.254/", "link-local"),
        ("http://[::ffff:192.168.1.1]/", "private"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[fe80::1]/", "link-local"),
        ("http://100.64.0.1/", "non-public"),
        ("file:///etc/passwd", "Only http and https"),
        ("gopher://example.org/", "Only http and https"),
        ("http://user:pw@example.org/", "user name"),
        ("http://example.org:6379/", "Port 6379"),
    ],
)
def test_internal_and_odd_addresses_are_refused(url: str, words: str) -> None:
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(url)
    assert words in str(error.value)


def test_a_public_name_resolving_to_a_private_address_is_refused(monkeypatch: Any) -> None:
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.215.14", "192.168.0.10"])
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch("https://manifests.example.org/okh.toml")
    assert "manifests.example.org resolves to 192.168.0.10, a private address" in str(error.value)


def test_a_redirect_to_an_internal_address_is_checked_again(monkeypatch: Any) -> None:
    """A local server stands for a public one (the first check is relaxed for it alone); its
    redirect to the metadata address is refused, and a plain answer is read in full."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.end_headers()
                return
            body = b'name = "x"\n'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    real_refusal = fetch.refusal
    monkeypatch.setattr(fetch, "ALLOWED_PORTS", {80, 443, port})
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["127.0.0.1"])
    monkeypatch.setattr(
        fetch,
        "refusal",
        lambda address: "" if str(address) == "127.0.0.1" else real_refusal(address),
    )
    try:
        assert fetch.fetch(f"http://public.example:{port}/okh.toml") == b'name = "x"\n'
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(f"http://public.example:{port}/redirect")
        assert "169.254.169.254 is a link-local address" in str(error.value)
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(f"http://public.example:{port}/okh.toml", max_bytes=4)
        assert "larger than" in str(error.value)
    finally:
        server.shutdown()
        server.server_close()


def _local_server(monkeypatch: Any, handler: Any) -> tuple[Any, int]:
    """A threaded local server standing for a public one (the address check relaxed for it)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    real_refusal = fetch.refusal
    monkeypatch.setattr(fetch, "ALLOWED_PORTS", {80, 443, port})
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["127.0.0.1"])
    monkeypatch.setattr(
        fetch,
        "refusal",
        lambda address: "" if str(address) == "127.0.0.1" else real_refusal(address),
    )
    return server, port


def test_a_server_trickling_bytes_is_cut_at_the_deadline(monkeypatch: Any) -> None:
    import time

    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                if self.path == "/slow-headers":
                    for byte in b"HTTP/1.0 200 OK\r\nX-Slow: " + b"a" * 40:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                    return
                self.send_response(200)
                self.end_headers()
                for _ in range(40):  # 8 s of one byte every 0.2 s
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server, port = _local_server(monkeypatch, Trickle)
    try:
        for path in ("/slow-body", "/slow-headers"):
            started = time.monotonic()
            with pytest.raises(fetch.FetchError) as error:
                fetch.fetch(f"http://public.example:{port}{path}", timeout=1.0)
            assert "took longer than 1 s" in str(error.value), path
            assert time.monotonic() - started < 3.0, path
    finally:
        server.shutdown()
        server.server_close()


def test_non_ascii_paths_and_redirects_are_percent_encoded(monkeypatch: Any) -> None:
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", "/caf\xe9.toml")  # a byte >= 0x80 (latin-1)
                self.end_headers()
                return
            body = b'name = "x"\n'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server, port = _local_server(monkeypatch, Handler)
    try:
        assert fetch.fetch(f"http://public.example:{port}/é.toml?q=ü") == b'name = "x"\n'
        assert fetch.fetch(f"http://public.example:{port}/redirect") == b'name = "x"\n'
    finally:
        server.shutdown()
        server.server_close()
    assert seen[0] == "/%C3%A9.toml?q=%C3%BC"
    assert seen[1:] == ["/redirect", "/caf%C3%A9.toml"]
    assert fetch.request_path("http://example.org/a b/%41?x=1&y=2") == "/a%20b/%41?x=1&y=2"
