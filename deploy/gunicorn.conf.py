# Gunicorn settings for Jangkau behind nginx. Start: gunicorn -c deploy/gunicorn.conf.py "admin_app:create_app()"
import multiprocessing
import os

bind = os.environ.get("JANGKAU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("JANGKAU_WORKERS", max(2, multiprocessing.cpu_count())))
threads = 2
timeout = 60  # PDF conversion runs in a subprocess with its own, shorter limit
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# Trust X-Forwarded-* only from nginx: the local one, or (several app servers) the nginx machine's address.
forwarded_allow_ips = os.environ.get("JANGKAU_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app writes its own access line (admin_app/logs.py: JSON in production, with request id, user id, roles,
# method, path without query string, status, duration), so gunicorn's access log is off. Turned back on, keep the
# format below: query strings carry search terms about victims, so it logs the path only.
accesslog = None
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'

# gunicorn's own lines (start, workers, timeouts) in the app's format: with JSON logs (production) every line on
# stderr is one JSON object, like the app's (admin_app/logs.py). The app's loggers are set up by create_app.
_log_format = os.environ.get("JANGKAU_LOG_FORMAT") or ("json" if os.environ.get("JANGKAU_ENV") == "production" else "text")
if _log_format == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": []},  # the app adds its own handler to the root logger
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False, "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False, "qualname": "gunicorn.access"},
        },
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "formatters": {"json": {"()": "admin_app.logs.JsonFormatter"}},
    }


def post_worker_init(worker):
    # Once the app is loaded in this worker: what exists now lives as long as the process (admin_app/serving.py).
    from admin_app.serving import settle_garbage_collector

    settle_garbage_collector()
