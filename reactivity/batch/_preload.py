"""Imported once by the fork server of the supervised workers: compiles what every record needs before any worker
is forked (:func:`reactivity.batch.supervise.warm_up`).

The parent sets the environment variable :data:`reactivity.batch.workerstart.WARM_ENV` when it starts the fork
server for ``annotate``; without it this module does nothing (workers then load what they need themselves).
"""

from __future__ import annotations

import os

from .supervise import WARM_ENV, warm_up

if os.environ.get(WARM_ENV):
    warm_up()
