"""The action server, accepting calls only from the Rasa server: every request except GET /health
must carry the shared secret in the `X-Action-Secret` header (compared in constant time); others
get 403. It binds to 127.0.0.1 unless SANIC_HOST says otherwise.

    ACTION_SERVER_SECRET=... python -m production.action_server --actions actions --port 5055

Rasa sends the header from endpoints (deploy/endpoints.prod.yml):
    action_endpoint: {url: ..., headers: {X-Action-Secret: ${ACTION_SERVER_SECRET}}}
"""
from __future__ import annotations

import hmac
import logging
import os
import sys

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import response
from sanic.request import Request

logger = logging.getLogger(__name__)
HEADER = "X-Action-Secret"
OPEN_PATHS = {"/health"}


def secret_from_env() -> str:
    """The shared secret; a missing, short or placeholder one stops the start with one clear line."""
    from production.settings import check_secret
    secret = os.environ.get("ACTION_SERVER_SECRET", "")
    problem = check_secret("ACTION_SERVER_SECRET", secret)
    if problem:
        sys.exit(f"{problem} (refusing to start an open action server)")
    return secret


def require_secret(app, secret: str) -> None:
    """Add the check as a request middleware of the Sanic `app`."""
    expected = secret.encode()

    @app.middleware("request")
    async def check_secret(request: Request):
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get(HEADER) or "").encode()
        if not hmac.compare_digest(given, expected):
            logger.warning("Refused a call to %s without the shared secret.", request.path)
            return response.json({"error": "forbidden"}, status=403)
        return None


def main() -> None:
    args = create_argument_parser().parse_args()
    secret = secret_from_env()
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger("rasa_sdk"), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=None)
    require_secret(app, secret)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    logger.info("Action server (shared secret required) on http://%s:%s", host, args.port)
    app.run(host, int(args.port), workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
