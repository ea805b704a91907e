"""gunicorn settings for Repères behind nginx.

    gunicorn -c deploy/gunicorn.conf.py        (run from the application folder)

Environment: REPERES_BIND (default 127.0.0.1:8000), REPERES_WORKERS (default: 2 per core + 1,
at most 5), plus the REPERES_* settings of the application itself (see the README).
"""

import gc
import multiprocessing
import os

wsgi_app = "app:create_app()"
bind = os.environ.get("REPERES_BIND", "127.0.0.1:8000")  # only nginx talks to gunicorn

# Several worker processes: the data folder is shared through fcntl locks, never through
# memory, so any number of workers is safe; a cheap server with 1-2 cores wants 3-5.
workers = int(os.environ.get("REPERES_WORKERS", min(5, multiprocessing.cpu_count() * 2 + 1)))
worker_class = "gthread"
threads = 2  # a slow upload or a voice recording does not hold a whole process idle
# The master builds the application once and forks the workers from it: code, templates and
# the link index are shared between workers instead of copied, a new worker (after a crash or
# max_requests) starts in a few milliseconds, and nothing touches the data folder twice at
# start. The app starts no thread and takes no lock while it is built: its start-up
# housekeeping runs in one worker after its first request (web/startup.py).
preload_app = True


def pre_fork(server, worker):
    """Before each fork: move what the master built out of the collector's reach."""
    # A collection in a worker writes to every object it visits, which unshares their pages;
    # frozen objects are never visited (docs.python.org/3/library/gc.html#gc.freeze).
    gc.freeze()


# nginx buffers uploads (up to client_max_body_size) before passing them on, so gunicorn
# receives them at local speed; the time goes into checking and re-encoding photos and voices
# (a video is only checked: its web version is made in the background, mediation/videojobs.py,
# by a thread that a worker recycled by max_requests hands back, uncounted): allow 5 minutes,
# like nginx's proxy_read_timeout.
timeout = 300
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then (bounded memory over months of uptime).
max_requests = 2000
max_requests_jitter = 200

# Logs go to the journal (journalctl -u reperes); no page views are logged by the app itself.
accesslog = "-"
errorlog = "-"
loglevel = "info"
# The forwarded client address is trusted by the app itself (ProxyFix, PROXY_COUNT=1).
forwarded_allow_ips = "127.0.0.1"
umask = 0o027
