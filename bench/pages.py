"""Benchmark: what a phone downloads and how soon it paints the home, programme and room pages.

Seeds the demo festival into a temporary SQLite database, starts the server as the Procfile does
(``festival serve``, on a free port of 127.0.0.1), then opens each page in Debian's headless
Chromium (Playwright) with a phone profile: 390 x 844, device scale 3, touch, a mobile user agent,
and Chromium's network throttling (DevTools ``Network.emulateNetworkConditions``; default: the
"Slow 4G" preset, 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up). Each page load starts with an
empty cache and cookies that already hold the visitor's zone (so the page is not reloaded to
detect it). Printed per page (medians of ``--repeat`` loads):

* bytes transferred (compressed, as on the wire: every response's ``encodedDataLength``) and
  the number of requests; third-party requests are counted separately (there should be none);
* first contentful paint and DOMContentLoaded, in ms from the start of navigation.

Run: ``python bench/pages.py [--repeat 5] [--latency 150] [--down-kbps 1600] [--up-kbps 750]``.
Target (issue 12): the programme under 200 KB transferred with compression.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ZONE = "Africa/Nairobi"
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
PAGES = {
    "home": "/",
    "programme": "/programme",
    "room (lobby)": "/rooms/lobby-learningplanet-2027",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


#: The ``festival`` command of this Python (the Procfile's ``festival serve``).
FESTIVAL = str(Path(sys.executable).parent / "festival")


def start_server(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'festival.db'}",
        "SECRET_KEY": "bench-pages-secret",
        "LOG_LEVEL": "warning",
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [FESTIVAL, "demo", "--no-serve"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(  # the Procfile's web command, on a free loopback port
        [FESTIVAL, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer /healthz within 30 s")


def load(browser: Any, url: str, path: str, args: argparse.Namespace) -> dict[str, float]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_AGENT,
        timezone_id=ZONE,
    )
    context.add_cookies([{"name": "tz", "value": ZONE, "url": url}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": args.latency,
            "downloadThroughput": args.down_kbps * 1000 / 8,
            "uploadThroughput": args.up_kbps * 1000 / 8,
        },
    )
    host = urlsplit(url).netloc
    seen: dict[str, str] = {}
    sizes: dict[str, float] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: seen.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], float(e["encodedDataLength"])),
    )
    page.goto(url + path, wait_until="load")
    page.wait_for_timeout(300)  # late requests (scripts' fetches) are counted too
    timing = page.evaluate(
        """() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const fcp = performance.getEntriesByName("first-contentful-paint")[0];
          return {fcp: fcp ? fcp.startTime : -1, dcl: nav.domContentLoadedEventEnd};
        }"""
    )
    context.close()
    own = [rid for rid, address in seen.items() if urlsplit(address).netloc == host]
    # data: URLs (an icon inlined in the style sheet) are neither fetched nor third-party.
    others = [
        address
        for rid, address in seen.items()
        if rid not in own and urlsplit(address).scheme in ("http", "https", "ws", "wss")
    ]
    return {
        "bytes": sum(sizes.get(rid, 0.0) for rid in own),
        "requests": float(len(own)),
        "third_party": float(len(others)),
        "fcp_ms": float(timing["fcp"]),
        "dcl_ms": float(timing["dcl"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--latency", type=float, default=150, help="ms added to each request")
    parser.add_argument("--down-kbps", type=float, default=1600)
    parser.add_argument("--up-kbps", type=float, default=750)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="festival-bench-pages-") as tmp:
        server, url = start_server(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
                )
                print(
                    f"phone 390x844, {args.latency:.0f} ms latency, {args.down_kbps:.0f}/"
                    f"{args.up_kbps:.0f} kbit/s; medians of {args.repeat} loads, empty cache"
                )
                print(
                    f"{'page':<14} {'KB on wire':>10} {'requests':>8} {'3rd party':>9} "
                    f"{'FCP ms':>7} {'DCL ms':>7}"
                )
                for name, path in PAGES.items():
                    runs = [load(browser, url, path, args) for _ in range(args.repeat)]
                    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                    print(
                        f"{name:<14} {med['bytes'] / 1000:>10.1f} {med['requests']:>8.0f} "
                        f"{med['third_party']:>9.0f} {med['fcp_ms']:>7.0f} {med['dcl_ms']:>7.0f}"
                    )
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
