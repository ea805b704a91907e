"""gunicorn settings of the benchmark: the hook of deploy/gunicorn.conf.py, options on the command line.

The command line of bench/server.py gives workers, worker class, bind and --preload
(as deploy/gunicorn.conf.py); no access log, as nginx keeps it in production.
"""

import gc


def when_ready(server):
    """Freeze the preloaded objects before forking (same as deploy/gunicorn.conf.py)."""
    gc.freeze()
