"""dvic_log: log from a demo process to a file the DVIC desktop agent ships.

    import logging, dvic_log
    logging.basicConfig(level=logging.INFO, handlers=[dvic_log.DvicLogHandler(demo="robot-arm")])
    logging.info("arm homed", extra={"fields": {"axis": 3}})
"""

from ._version import __version__
from .encoding import LEVELS
from .handler import DvicLogHandler
from .logger import Logger

__all__ = ["DvicLogHandler", "LEVELS", "Logger", "__version__"]
