package org.dvic.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/** An exception as the format records it: type, message and stack text. */
public record ExceptionInfo(String type, String message, String stack) {

    public ExceptionInfo {
        Objects.requireNonNull(type, "type");
        message = message == null ? "" : message;
        stack = stack == null ? "" : stack;
    }

    public static ExceptionInfo of(Throwable thrown) {
        StringWriter stack = new StringWriter();
        thrown.printStackTrace(new PrintWriter(stack));
        return new ExceptionInfo(thrown.getClass().getName(), thrown.getMessage(), stack.toString());
    }
}
