"""The action server (rasa-sdk), started as `python -m bot.rasa_ext.action_server --actions actions ...`.

The same server as `python -m rasa_sdk`, with two privacy fixes (docs/security.md, H3):
- rasa-sdk's handler for an exception in an action answered HTTP 500 with
  `{"error": str(exception), "request_body": <the whole tracker>}`; Rasa then logged that body
  at ERROR, so everything the patient had typed reached the log. Ours answers
  `{"error": "action failed"}` and logs only the exception's type and place.
- every log record of this process goes through bot.privacy.log_filter (no exception text or locals).
The actions themselves are exception-safe too (actions/services.py `exception_safe`); this is
the second line. The handler is added through rasa-sdk's own plugin hook, checked for 3.6.
"""
from __future__ import annotations

import logging
import sys

import pluggy
import rasa_sdk
from sanic import response

from bot.privacy import log_filter

hookimpl = pluggy.HookimplMarker("rasa_sdk")
logger = logging.getLogger("bot.rasa_ext.action_server")
SUPPORTED = ("3.6.",)  # rasa-sdk versions whose handler (rasa_sdk/endpoint.py) this replaces


async def safe_exception_handler(request, exception: Exception):
    status = getattr(exception, "status_code", 500) or 500
    status = status if 400 <= status < 600 else 500
    if status >= 500:
        logger.error("action server: request failed [exception: %s]", log_filter.summary(exception))
    return response.json({"error": "action failed"}, status=status)


# It listens on 127.0.0.1 for Rasa only; still, no request may hold a connection for long.
TIMEOUTS = {"REQUEST_TIMEOUT": 10, "RESPONSE_TIMEOUT": 30, "KEEP_ALIVE_TIMEOUT": 5}


@hookimpl
def attach_sanic_app_extensions(app) -> None:
    log_filter.install()  # after rasa-sdk configured its logging
    app.error_handler.add(Exception, safe_exception_handler)
    for key, value in TIMEOUTS.items():
        setattr(app.config, key, value)


def main() -> None:
    if not rasa_sdk.__version__.startswith(SUPPORTED):
        raise SystemExit(f"bot.rasa_ext.action_server was written for rasa-sdk {SUPPORTED}, not "
                         f"{rasa_sdk.__version__}: check rasa_sdk/endpoint.py's exception handler")
    from rasa_sdk.__main__ import main as rasa_sdk_main
    from rasa_sdk.plugin import plugin_manager

    log_filter.install()
    plugin_manager().register(sys.modules[__name__])
    rasa_sdk_main()


if __name__ == "__main__":
    main()
