package org.dvic.streams.rollup;

import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.json.ProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SampleDeserializerTest {
    private static final EventCodec CODEC = new EventCodec();
    private final SampleDeserializer deserializer = new SampleDeserializer();

    @Test
    void readsWhatTheCodecWritesInOnePass() {
        // Given a sample as the gateway puts it on dvic.metrics
        MetricSample sample = new MetricSample(UUID.randomUUID(), 42, 1_700_000_000_123L,
                Map.of("cpu.total_pct", 12.5, "mem.used_pct", 50.0, "disk./.used_pct", 70.0, "net.rx_bps", 3.0));
        byte[] json = CODEC.encode(sample);
        // Then the streaming read gives the same record as the strict codec
        assertNotNull(SampleDeserializer.read(json));
        assertEquals(CODEC.decode(json, MetricSample.class), deserializer.deserialize("t", json));
        assertEquals(sample, deserializer.deserialize("t", json));
    }

    @Test
    void leavesEverythingUnusualToTheStrictCodec() {
        String node = UUID.randomUUID().toString();
        String ok = "{\"type\":\"metric\",\"v\":1,\"nodeId\":\"" + node + "\",\"seq\":1,\"ts\":5,\"values\":{\"a\":1}}";
        assertNotNull(SampleDeserializer.read(bytes(ok)));
        for (String doc : List.of(
                ok.replace("\"seq\":1", "\"seq\":1,\"extra\":2"),               // unknown field
                ok.replace("\"seq\":1", "\"seq\":1,\"seq\":2"),                 // repeated field
                ok.replace("{\"a\":1}", "{\"a\":1,\"a\":2}"),                   // repeated reading
                ok.replace("{\"a\":1}", "{\"a\":\"1\"}"),                       // a string for a number
                ok.replace("{\"a\":1}", "{}"),                                  // no reading
                ok.replace("{\"a\":1}", "{\"Bad Name\":1}"),                    // a name the record refuses
                ok.replace("\"seq\":1", "\"seq\":1.5"),                         // not an integer
                ok.replace("\"seq\":1", "\"seq\":-1"),                          // negative
                ok.replace("\"v\":1", "\"v\":2"),                               // other version
                ok.replace("\"metric\"", "\"heartbeat\""),                      // other type
                ok.replace(node, "1-2-3-4-5"),                                  // a UUID only Java accepts
                ok.replace(",\"ts\":5", ""),                                    // missing field
                ok + " {}",                                                     // trailing content
                "[]", "", "{")) {
            // Then the fast path declines and the decision (and its reason) is the codec's
            assertNull(SampleDeserializer.read(bytes(doc)), doc);
            ProtocolException expected = assertThrows(ProtocolException.class, () -> CODEC.decode(bytes(doc),
                    MetricSample.class), doc);
            ProtocolException actual = assertThrows(ProtocolException.class, () -> deserializer.deserialize("t",
                    bytes(doc)), doc);
            assertEquals(expected.getMessage(), actual.getMessage(), doc);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
