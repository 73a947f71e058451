package org.dvic.protocol;

import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.wire.AgentBatch;
import org.dvic.protocol.wire.BoardKeepalive;
import org.dvic.protocol.wire.BoardKeepaliveReply;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WireCodecTest {
    private final WireCodec wire = new WireCodec();

    @Test
    void batchRoundTripsWithEveryNodeEventType() {
        // Given a batch of every node event of the samples, renumbered consecutively
        List<NodeEvent> events = SampleEvents.all().stream()
                .filter(NodeEvent.class::isInstance).map(NodeEvent.class::cast).toList();
        AgentBatch batch = new AgentBatch(events.get(events.size() - 1).seq(), events.stream()
                .sorted((a, b) -> Long.compare(a.seq(), b.seq())).toList());
        // When encoded and decoded
        AgentBatch back = wire.decodeBatch(wire.encode(batch));
        // Then it is equal, and the frame has the documented shape
        assertEquals(batch, back);
        String json = new String(wire.encode(batch), StandardCharsets.UTF_8);
        assertEquals("{\"v\":1,\"seq\":" + batch.seq() + ",\"events\":[{\"type\":\"heartbeat\"", json.substring(0, json.indexOf("\"v\":1,\"nodeId\"") - 1));
    }

    @Test
    void serverFramesRoundTrip() {
        Command exec = (Command) SampleEvents.all().stream().filter(e -> e instanceof Command.Exec).findFirst().orElseThrow();
        for (ServerFrame frame : List.of(new ServerFrame.Ack(42), new ServerFrame.CommandDelivery(exec),
                new ServerFrame.ErrorFrame("invalid-event", "events[0].seq: must not be negative", 42L),
                new ServerFrame.ErrorFrame("rate-limited", "slow down", null))) {
            assertEquals(frame, wire.decodeServerFrame(wire.encode(frame)));
        }
        assertEquals("{\"ack\":42}", new String(wire.encode(new ServerFrame.Ack(42)), StandardCharsets.UTF_8));
    }

    @Test
    void serverFrameWithTwoKindsIsRefused() {
        var e = assertThrows(ProtocolException.class,
                () -> wire.decodeServerFrame("{\"ack\":1,\"error\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("$", e.field());
    }

    @Test
    void boardKeepaliveRoundTripsAndRefusesBadReadings() {
        BoardKeepalive k = new BoardKeepalive(3, 17, 120_000, 10_000, Map.of("temp_c", 21.5, "rssi", -61.0), "1.0.2");
        assertEquals(k, wire.decodeKeepalive(wire.encode(k)));
        var e = assertThrows(ProtocolException.class, () -> wire.decodeKeepalive(
                "{\"boot\":1,\"seq\":1,\"uptimeMs\":1,\"intervalMs\":1000,\"readings\":{\"t\":\"hot\"}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("readings.t: expected a number", e.getMessage());
        BoardKeepaliveReply reply = new BoardKeepaliveReply(List.of());
        assertEquals(reply, wire.decodeKeepaliveReply(wire.encode(reply)));
    }

    @Test
    void singleEventBatchHasItsSeq() {
        Heartbeat hb = new Heartbeat(SampleEvents.NODE, 5, 1, 1000);
        assertEquals(5, wire.decodeBatch(wire.encode(new AgentBatch(5, List.of(hb)))).seq());
    }
}
