"""Settings, read from the environment (twelve-factor).

DATABASE_URL   default: SQLite file under var/ (git-ignored), for a newcomer's first run.
SECRET_KEY     required unless DEBUG is on.
DEBUG          "1"/"true" for development; off by default.
ALLOWED_HOSTS  comma-separated; defaults to localhost names while DEBUG is on.
"""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .services import *  # noqa: F403
