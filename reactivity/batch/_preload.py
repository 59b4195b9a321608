"""Imported once by the fork server of the supervised workers: warms rules and models before any worker is forked.

The parent puts the run's settings in the environment variable
:data:`reactivity.batch.supervise.WARM_ENV` when it starts the fork server; without it this
module does nothing (workers then load what they need themselves).
"""

from __future__ import annotations

import os

from .supervise import WARM_ENV, warm_up

if os.environ.get(WARM_ENV):
    warm_up(os.environ[WARM_ENV])
