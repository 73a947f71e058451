"""A stdlib logging.Handler that writes through a dvic_log Logger."""

import logging

from .logger import Logger


def level_name(levelno):
    """FORMAT.md §8: Python logging levels to format levels."""
    for limit, name in ((10, "TRACE"), (20, "DEBUG"), (30, "INFO"), (40, "WARN"), (50, "ERROR")):
        if levelno < limit:
            return name
    return "FATAL"


class DvicLogHandler(logging.Handler):
    """logging.getLogger().addHandler(DvicLogHandler(demo="robot-arm")).

    Structured fields travel in extra={"fields": {...}}; exc_info becomes "exc".
    The record's formatted message is used as "msg"; time and level are kept
    structured, so a Formatter set on this handler is not applied.
    """

    def __init__(self, level=logging.NOTSET, logger=None, **logger_options):
        super().__init__(level)
        self.dvic_logger = logger or Logger(**logger_options)

    def emit(self, record):
        try:
            exc = record.exc_info[1] if record.exc_info else None
            fields = getattr(record, "fields", None)
            self.dvic_logger.log(level_name(record.levelno), record.getMessage(), fields, exc,
                                 ts_ms=int(record.created * 1000))
        except Exception:
            self.handleError(record)

    def flush(self):
        self.dvic_logger.flush()

    def close(self):
        self.dvic_logger.close()
        super().close()
