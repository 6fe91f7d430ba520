"""gunicorn settings for sahakum-web.service (docs/deployment.md).

`systemctl reload sahakum-web` sends SIGHUP: gunicorn starts new workers on the new code and
stops the old ones once they finish their requests (no dropped requests), because the app is
not preloaded in the master."""

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for cms.request_log below

bind = "127.0.0.1:8000"
workers = min(2 * multiprocessing.cpu_count() + 1, 9)
worker_class = "sync"
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
preload_app = False
# nginx on the same host sets X-Forwarded-Proto/For; trust only it.
forwarded_allow_ips = "127.0.0.1"
# The app writes one structured line per request (cms.request_log); gunicorn logs only its own
# errors, to stderr, which journald keeps.
accesslog = None
errorlog = "-"
loglevel = "info"
# gunicorn's own lines in the app's format: key=value, UTC timestamps (docs/deployment.md).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "cms.request_log.UTCFormatter",
            "format": "%(asctime)s level=%(levelname)s logger=%(name)s pid=%(process)d %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stderr"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
# Uploads up to WAGTAILIMAGES_MAX_UPLOAD_SIZE (8 MB) over 3G are slow; nginx buffers the body
# before gunicorn sees it, so a worker is not held by a slow client.
