"""gunicorn settings of the benchmark: the deployed fork policy; the rest is on the command line.

The hooks come from deploy/gunicorn.conf.py, so the benchmark measures what is deployed.
"""

import runpy
from pathlib import Path

_DEPLOYED = runpy.run_path(str(Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"))
pre_fork = _DEPLOYED["pre_fork"]
