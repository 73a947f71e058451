package org.dvic.protocol;

import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.json.EventCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();

    @Test
    void everySampleRoundTripsToAnEqualRecord() {
        for (Event event : SampleEvents.all()) {
            // Given a sample event
            // When it is encoded and decoded again
            Event back = codec.decode(codec.encode(event));
            // Then the record is equal to the original
            assertEquals(event, back, () -> "round trip of " + event);
        }
    }

    @Test
    void everyEventTypeHasASample() {
        Set<Class<?>> sampled = new HashSet<>();
        SampleEvents.all().forEach(e -> sampled.add(e.getClass()));
        assertEquals(new HashSet<>(EventCodec.types().values()), sampled);
    }

    @Test
    void encodedFormStartsWithTypeAndVersionAndOmitsNulls() {
        // Given a heartbeat
        Heartbeat hb = new Heartbeat(SampleEvents.NODE, 7, 1000, 5000);
        // When encoded
        String json = new String(codec.encode(hb), StandardCharsets.UTF_8);
        // Then the discriminator and version come first, in the documented shape
        assertEquals("{\"type\":\"heartbeat\",\"v\":1,\"nodeId\":\"" + SampleEvents.NODE
                + "\",\"seq\":7,\"ts\":1000,\"intervalMs\":5000}", json);
        assertTrue(!codec.encodeToString(SampleEvents.all().get(3)).contains("null"));
    }

    @Test
    void encodingIsDeterministic() {
        for (Event event : SampleEvents.all()) {
            assertEquals(codec.encodeToString(event), codec.encodeToString(codec.decode(codec.encode(event))));
        }
    }
}
