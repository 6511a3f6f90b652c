"""This repository's own dodo: the bundled specmesh tasks, run on the example project.

Copy it into your repository and drop the SPECMESH_ROOT line (the root is then the nearest
directory holding `.specify/`).
"""

import os
from pathlib import Path

os.environ.setdefault("SPECMESH_ROOT", str(Path(__file__).parent / "examples" / "library"))

from specmesh_tasks.dodo import *  # noqa: F403
