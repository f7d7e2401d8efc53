"""gunicorn, the production WSGI server (docs/DEPLOY.md):

    DJANGO_SETTINGS_MODULE=config.settings.production gunicorn -c config/gunicorn.conf.py

Every value comes from the environment so one file serves every host. `make run` does not use it:
development keeps the embedded server.

Threads (gthread) rather than more processes: a request mostly waits on PostgreSQL or Redis, and
threads of one process share its connection pool (config/settings/production.py). Keep
WEB_CONCURRENCY x GUNICORN_THREADS x hosts below PostgreSQL's max_connections.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}")

# The usual 2 x cores + 1 processes; WEB_CONCURRENCY is the name platforms already set.
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request taking longer than this is killed and its worker restarted (the PDF of a decree takes
# well under a second; a hung upstream must not hold a thread forever).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # behind a load balancer reusing connections
# Recycle workers now and then so a slow leak cannot grow without bound; jitter avoids all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))

# Request bodies: scans go up to 20 MB in total (booking); gunicorn does not cap bodies, Django does.
limit_request_line = 8190
limit_request_fields = 100

# Logs to stdout/stderr (the service manager keeps them). %(M)s is the request time in milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Only the load balancer may set X-Forwarded-Proto / -For (comma-separated addresses, or "*" when
# the hosts are reachable from the balancer only).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Load the application in each worker after the fork: every worker opens its own database pool.
preload_app = False
