"""Headless Chromium driven through Debian's chromedriver with the W3C WebDriver protocol (plain HTTP
on loopback; no client library, and nothing that downloads a browser of its own)."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, List, Optional

from harness.servers import free_port

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ENTER = "\ue007"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
                 "--disable-dev-shm-usage", "--force-device-scale-factor=1"]
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def find_chromium() -> Optional[str]:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def find_chromedriver() -> Optional[str]:
    return shutil.which("chromedriver")


class WebDriverError(RuntimeError):
    pass


class Browser:
    def __init__(self, width: int = 390, height: int = 844, log: Optional[Path] = None, timeout: float = 30) -> None:
        chromium, driver = find_chromium(), find_chromedriver()
        if not chromium or not driver:
            raise FileNotFoundError("chromium or chromedriver is not installed")
        self.profile = tempfile.mkdtemp(prefix="webchat-chromium-")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.driver = subprocess.Popen([driver, f"--port={port}", "--allowed-ips=127.0.0.1"],
                                       stdout=open(log or "/dev/null", "w"), stderr=subprocess.STDOUT)
        self.session = ""
        try:
            self._wait_for_driver(timeout)
            options = {"binary": chromium,
                       "args": CHROMIUM_ARGS + [f"--user-data-dir={self.profile}", f"--window-size={width},{height}"],
                       # a phone's viewport (a headless window is at least 500 px wide)
                       "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}}}
            capabilities = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}}
            self.session = self._call("POST", "/session", capabilities)["sessionId"]
            self._call("POST", self._s("/timeouts"), {"script": int(timeout * 1000), "pageLoad": int(timeout * 1000)})
        except Exception:
            self.quit()
            raise

    # --- protocol -----------------------------------------------------------------------------------
    def _wait_for_driver(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self._call("GET", "/status").get("ready"):
                    return
            except (OSError, WebDriverError):
                pass
            if self.driver.poll() is not None:
                raise WebDriverError(f"chromedriver exited with code {self.driver.returncode}")
            time.sleep(0.1)
        raise WebDriverError("chromedriver did not start")

    def _s(self, path: str) -> str:
        return f"/session/{self.session}{path}"

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else None)
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with DIRECT.open(request, timeout=60) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as error:
            raise WebDriverError(error.read().decode("utf-8", "replace")[:500]) from None

    # --- what the tests use -------------------------------------------------------------------------
    def get(self, url: str) -> None:
        self._call("POST", self._s("/url"), {"url": url})

    def find_all(self, css: str) -> List[str]:
        return [e[ELEMENT] for e in self._call("POST", self._s("/elements"), {"using": "css selector", "value": css})]

    def find(self, css: str) -> str:
        return self._call("POST", self._s("/element"), {"using": "css selector", "value": css})[ELEMENT]

    def find_in(self, element: str, css: str) -> List[str]:
        found = self._call("POST", self._s(f"/element/{element}/elements"), {"using": "css selector", "value": css})
        return [e[ELEMENT] for e in found]

    def active(self) -> str:
        return self._call("GET", self._s("/element/active"))[ELEMENT]

    def click(self, element: str) -> None:
        """Scroll it to the middle (as a person would, clear of sticky bars), then click it."""
        self.run("arguments[0].scrollIntoView({block: 'center'})", self.ref(element))
        self.settle()
        self._call("POST", self._s(f"/element/{element}/click"))

    def type(self, element: str, text: str) -> None:
        """Key presses into the element (ENTER included), as a keyboard user would type."""
        self._call("POST", self._s(f"/element/{element}/value"), {"text": text})

    def text(self, element: str) -> str:
        return self._call("GET", self._s(f"/element/{element}/text"))

    def displayed(self, element: str) -> bool:
        return self._call("GET", self._s(f"/element/{element}/displayed"))

    @staticmethod
    def ref(element: str) -> dict:
        """An element as an argument of run()."""
        return {ELEMENT: element}

    def run(self, script: str, *args: Any) -> Any:
        return self._call("POST", self._s("/execute/sync"), {"script": script, "args": list(args)})

    def screenshot(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.settle()
        path.write_bytes(base64.b64decode(self._call("GET", self._s("/screenshot"))))
        return path

    def wait(self, condition: Callable[[], Any], timeout: float = 30, what: str = "the condition") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = condition()
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")

    def settle(self, timeout: float = 5) -> None:
        """Wait for smooth scrolling to stop (a click lands where the element is now)."""
        last = [None]

        def still() -> bool:
            now = self.run("return window.scrollY")
            same, last[0] = now == last[0], now
            return same
        self.wait(lambda: still() or time.sleep(0.15), timeout, "the page to stop scrolling")

    def quit(self) -> None:
        try:
            if self.session:
                self._call("DELETE", self._s(""))
        except (OSError, WebDriverError):
            pass
        self.driver.terminate()
        try:
            self.driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.driver.kill()
        shutil.rmtree(self.profile, ignore_errors=True)
