package org.dvic.streams.rollup;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.event.MetricRollup.Resolution;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.topic.Topics;
import org.dvic.streams.serde.EventSerde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RollupTopologyTest {
    private static final String NS = "t";
    private static final long MIN = 60_000;
    private static final long H0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    @TempDir
    Path stateDir;

    private final UUID node = UUID.randomUUID();
    private final EventSerde<Event> events = EventSerde.of(Event.class);
    private TopologyTestDriver driver;
    private TestInputTopic<String, Event> metrics;
    private TestOutputTopic<String, Event> minuteOut;
    private TestOutputTopic<String, Event> hourOut;
    private long seq;

    @BeforeEach
    void start() {
        driver = newDriver();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private TopologyTestDriver newDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "rollup-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // emit final results as soon as stream time passes the window end + grace (no wall-clock throttle)
        props.put("emit.interval.ms.kstreams.windowed.aggregation", 0);
        TopologyTestDriver d = new TopologyTestDriver(RollupTopology.build(NS,
                new RollupTopology.Settings(Duration.ofSeconds(10), Duration.ofSeconds(30))), props,
                Instant.ofEpochMilli(H0));
        metrics = d.createInputTopic(Topics.METRICS.nameIn(NS), Serdes.String().serializer(), events.serializer());
        minuteOut = d.createOutputTopic(Topics.METRICS_1M.nameIn(NS), Serdes.String().deserializer(),
                events.deserializer());
        hourOut = d.createOutputTopic(Topics.METRICS_1H.nameIn(NS), Serdes.String().deserializer(),
                events.deserializer());
        return d;
    }

    /** A new driver on a copy of the open windows (the test driver wipes its state on close). */
    private TopologyTestDriver restart() {
        List<org.apache.kafka.streams.KeyValue<org.apache.kafka.streams.kstream.Windowed<String>,
                org.apache.kafka.streams.state.ValueAndTimestamp<NodeWindow>>> saved = new java.util.ArrayList<>();
        driver.<String, NodeWindow>getTimestampedWindowStore(RollupTopology.MINUTE_STORE).all()
                .forEachRemaining(saved::add);
        driver.close();
        TopologyTestDriver next = newDriver();
        var store = next.<String, NodeWindow>getTimestampedWindowStore(RollupTopology.MINUTE_STORE);
        saved.forEach(kv -> store.put(kv.key.key(), kv.value, kv.key.window().start()));
        return next;
    }

    private void sample(long ts, double cpu, double mem) {
        sample(ts, ts, cpu, mem);
    }

    private void sample(long ts, long recordTs, double cpu, double mem) {
        metrics.pipeInput(new TestRecord<>(node.toString(), new MetricSample(node, ++seq, ts,
                Map.of("cpu.total_pct", cpu, "mem.used_pct", mem)), Instant.ofEpochMilli(recordTs)));
    }

    private List<MetricRollup> minutes() {
        // The 1-hour branch has already read these: the driver feeds what the topology writes to
        // dvic.metrics-1m back into its source of that topic, as the broker does for the running application.
        return minuteOut.readValuesToList().stream().map(MetricRollup.class::cast)
                .sorted(Comparator.comparing(MetricRollup::windowStart).thenComparing(MetricRollup::metric)).toList();
    }

    @Test
    void oneFinalResultPerMinuteWindowWithLateAndOutOfOrderSamples() {
        // Given samples in the first minute, out of order
        sample(H0 + 20_000, 20, 50);
        sample(H0 + 5_000, 10, 40);
        sample(H0 + 50_000, 30, 45);
        // When the stream moves into the next minute, but not past the grace period
        sample(H0 + MIN + 5_000, 99, 99);
        // Then nothing is emitted yet
        assertEquals(List.of(), minutes());
        // When a late sample of the first minute arrives within the grace period
        sample(H0 + 55_000, H0 + MIN + 8_000, 5, 60);
        // And the stream passes the end of the first minute + grace
        sample(H0 + MIN + 11_000, 98, 98);
        // Then exactly one result per metric for the first minute, including the late sample
        List<MetricRollup> first = minutes();
        assertEquals(List.of(
                new MetricRollup(node, "cpu.total_pct", Resolution.MINUTE, H0, H0 + MIN, 5, 30, 65, 4, 5),
                new MetricRollup(node, "mem.used_pct", Resolution.MINUTE, H0, H0 + MIN, 40, 60, 195, 4, 60)), first);
        // When a sample arrives after the grace period, Then it is dropped and nothing is re-emitted
        sample(H0 + 30_000, H0 + MIN + 12_000, 1000, 1000);
        sample(H0 + MIN + 13_000, 97, 97);
        assertEquals(List.of(), minutes());
    }

    @Test
    void lastIsTheNewestSampleNotTheLastArrived() {
        sample(H0 + 40_000, 4, 4);
        sample(H0 + 10_000, 1, 1);
        sample(H0 + 2 * MIN, 0, 0);
        MetricRollup cpu = minutes().get(0);
        assertEquals(4, cpu.last());
        assertEquals(2, cpu.count());
    }

    @Test
    void anAgentClockAheadCannotCloseOtherWindowsEarly() {
        // Given a sample stamped an hour in the future but produced now
        sample(H0 + 10_000, H0 + 10_000, 1, 1);
        sample(H0 + 3_600_000, H0 + 11_000, 2, 2);
        // When a normal sample of the same minute follows
        sample(H0 + 12_000, 3, 3);
        sample(H0 + MIN + 11_000, 0, 0);
        // Then all three count in the first minute
        assertEquals(3, minutes().get(0).count());
    }

    @Test
    void hourWindowsFoldTheMinuteResults() {
        // Given one sample per minute for a whole hour
        for (int m = 0; m < 60; m++) {
            sample(H0 + m * MIN + 1_000, m, 100 - m);
        }
        // When the stream moves well into the next hour
        for (int m = 60; m < 64; m++) {
            sample(H0 + m * MIN + 1_000, 0, 0);
        }
        assertEquals(2 * 62, minutes().size());
        List<MetricRollup> hours = hourOut.readValuesToList().stream().map(MetricRollup.class::cast)
                .sorted(Comparator.comparing(MetricRollup::metric)).toList();
        // Then exactly one hourly result per metric, over the 60 samples of the hour
        assertEquals(List.of(
                new MetricRollup(node, "cpu.total_pct", Resolution.HOUR, H0, H0 + 3_600_000, 0, 59, 1770, 60, 59),
                new MetricRollup(node, "mem.used_pct", Resolution.HOUR, H0, H0 + 3_600_000, 41, 100, 4230, 60, 41)),
                hours);
    }

    @Test
    void aRestartKeepsOpenWindows() {
        // Given half a minute of samples, then a restart on the same state
        sample(H0 + 1_000, 1, 1);
        sample(H0 + 2_000, 2, 2);
        driver = restart();
        // When the rest of the minute arrives and the window closes
        sample(H0 + 3_000, 3, 3);
        sample(H0 + MIN + 11_000, 0, 0);
        // Then the result covers the samples from before the restart too
        assertEquals(3, minutes().get(0).count());
    }
}
