package org.dvic.log;

import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * A {@code java.util.logging} handler that writes through a {@link DvicLogger}. The message is
 * the record's formatted message (parameters filled in); time, level and exception stay
 * structured. In logging.properties: {@code handlers=org.dvic.log.DvicLogHandler} and
 * optionally {@code org.dvic.log.DvicLogHandler.demo=robot-arm}.
 */
public class DvicLogHandler extends Handler {
    private final DvicLogger logger;
    private final SimpleFormatter messages = new SimpleFormatter();

    /** A handler with its own logger; demo name from the LogManager property {@code <class>.demo}. */
    public DvicLogHandler() {
        this(DvicLogger.builder().demo(LogManager.getLogManager().getProperty(DvicLogHandler.class.getName() + ".demo"))
                .build());
    }

    public DvicLogHandler(DvicLogger logger) {
        this.logger = logger;
    }

    public DvicLogger logger() {
        return logger;
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        try {
            Throwable thrown = record.getThrown();
            logger.log(record.getMillis(), Level.fromJul(record.getLevel()), messages.formatMessage(record), null,
                    thrown == null ? null : ExceptionInfo.of(thrown));
        } catch (RuntimeException e) {
            reportError("dvic_log could not log a record", e, ErrorManager.WRITE_FAILURE);
        }
    }

    @Override
    public void flush() {
        logger.flush();
    }

    @Override
    public void close() {
        logger.close();
    }
}
