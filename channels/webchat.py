"""The web chat page, served by the Rasa server itself at GET /webhooks/webchat/.

A small page of our own (channels/webchat/: HTML, CSS, JavaScript; nothing from a CDN, no build step)
that posts to the checked REST webhook (/webhooks/rest/webhook), so both channels must be configured:

    channels.rest.RestChannel:
    channels.webchat.WebChat:
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

PAGE_DIR = Path(__file__).resolve().parent / "webchat"
FILES = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
         "style.css": "text/css; charset=utf-8"}
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def load_files() -> Dict[str, bytes]:
    return {name: (PAGE_DIR / name).read_bytes() for name in FILES}


class WebChat(InputChannel):
    """Serves the page; the messages themselves go through the REST channel."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    def __init__(self) -> None:
        self.files = load_files()  # read once, at start-up

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        page = Blueprint("webchat_page", __name__)

        @page.route("/", methods=["GET", "HEAD"], strict_slashes=False)
        @page.route("/<name:str>", methods=["GET", "HEAD"])
        async def serve(request: Request, name: str = "") -> HTTPResponse:
            if not name and not request.path.endswith("/"):  # the page's links are relative to the folder
                return response.redirect(request.path + "/", status=301)
            name = name or "index.html"
            if name not in self.files:
                return response.text("Not found.", status=404)
            return response.raw(self.files[name], content_type=FILES[name], headers=HEADERS)

        return page
