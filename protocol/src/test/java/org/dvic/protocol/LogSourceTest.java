package org.dvic.protocol;

import org.dvic.protocol.event.LogRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The regex-free source check (records, relay) says what {@link LogRecord#SOURCE} says (the Schemas use the regex). */
class LogSourceTest {
    @ParameterizedTest
    @ValueSource(strings = {"journal", "syslog", "agent", "demo:Q2hhbmdlTWUxMjM0NTY3", "demo:a", "demo:_-09azAZ",
            "demo:", "demo:../etc", "demo:a b", "demo:é", "Demo:abc", "journal2", "agents", "", "demo",
            "demo:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "demo:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "demo:abc\n", " journal"})
    void theFastCheckAgreesWithTheRegex(String source) {
        assertEquals(LogRecord.SOURCE.matcher(source).matches(), LogRecord.isValidSource(source), source);
    }
}
