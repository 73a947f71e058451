package org.dvic.relay.live;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Small helpers to build server messages by concatenation around pre-encoded event JSON. */
final class LiveMessages {
    private LiveMessages() {
    }

    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    static String event(String prefix, String eventJson) {
        return prefix + eventJson + "}";
    }
}
