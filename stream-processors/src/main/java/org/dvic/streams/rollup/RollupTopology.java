package org.dvic.streams.rollup;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.WindowStore;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.topic.Topics;
import org.dvic.streams.serde.EventSerde;

import java.time.Duration;
import java.util.UUID;

/**
 * Metric rollups: 1-minute windows over the raw samples, per node and metric, emitted once when the
 * window closes (after its grace period), to {@code dvic.metrics-1m}; 1-hour windows folded from the
 * 1-minute results read back from that topic, to {@code dvic.metrics-1h}. Run with exactly_once_v2,
 * so each window's final result is written exactly once.
 *
 * <p>Windows follow the sample's own time, capped at the record timestamp: a spooled sample lands in
 * the window it was taken in (if within grace), while an agent whose clock runs ahead cannot push
 * the partition's stream time forward and close everybody else's windows early.
 */
public final class RollupTopology {
    public static final String MINUTE_STORE = "rollup-1m";
    public static final String HOUR_STORE = "rollup-1h";

    private RollupTopology() {
    }

    /**
     * @param minuteGrace how long after a minute ends late samples are still counted
     * @param hourGrace   how long after an hour ends late 1-minute results are still counted
     */
    public record Settings(Duration minuteGrace, Duration hourGrace) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(30), Duration.ofMinutes(2));

        public Settings {
            if (minuteGrace.isNegative() || hourGrace.isNegative()) {
                throw new IllegalArgumentException("grace periods must not be negative");
            }
        }
    }

    public static Topology build(String namespace, Settings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<MetricSample> samples = Serdes.serdeFrom(EventSerde.of(MetricSample.class).serializer(),
                new SampleDeserializer());
        EventSerde<MetricRollup> rollups = EventSerde.of(MetricRollup.class);
        String minuteTopic = Topics.METRICS_1M.nameIn(namespace);

        builder.stream(Topics.METRICS.nameIn(namespace), Consumed.with(Serdes.String(), samples)
                        .withTimestampExtractor(sampleTime()).withName("metrics-in"))
                .groupByKey(Grouped.with(Serdes.String(), samples))
                .windowedBy(TimeWindows.ofSizeAndGrace(MetricRollup.Resolution.MINUTE.window(), settings.minuteGrace()))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(NodeWindow::new, (node, sample, window) -> window.add(sample),
                        Materialized.<String, NodeWindow, WindowStore<Bytes, byte[]>>as(MINUTE_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(NodeWindow.serde())
                                .withRetention(retention(MetricRollup.Resolution.MINUTE.window(), settings.minuteGrace())))
                .toStream()
                .flatMap((window, agg) -> agg.rollups(UUID.fromString(window.key()), MetricRollup.Resolution.MINUTE,
                        window.window().start()).stream().map(r -> KeyValue.pair(window.key(), r)).toList())
                .to(minuteTopic, Produced.with(Serdes.String(), rollups));

        builder.stream(minuteTopic, Consumed.with(Serdes.String(), rollups)
                        .withTimestampExtractor(windowStart()).withName("metrics-1m-in"))
                .groupByKey(Grouped.with(Serdes.String(), rollups))
                .windowedBy(TimeWindows.ofSizeAndGrace(MetricRollup.Resolution.HOUR.window(), settings.hourGrace()))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(NodeWindow::new, (node, rollup, window) -> window.add(rollup),
                        Materialized.<String, NodeWindow, WindowStore<Bytes, byte[]>>as(HOUR_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(NodeWindow.serde())
                                .withRetention(retention(MetricRollup.Resolution.HOUR.window(), settings.hourGrace())))
                .toStream()
                .flatMap((window, agg) -> agg.rollups(UUID.fromString(window.key()), MetricRollup.Resolution.HOUR,
                        window.window().start()).stream().map(r -> KeyValue.pair(window.key(), r)).toList())
                .to(Topics.METRICS_1H.nameIn(namespace), Produced.with(Serdes.String(), rollups));
        return builder.build();
    }

    /**
     * How long a window store keeps windows: the last 60 windows (an hour of minutes, 60 hours of hours),
     * not just size + grace. Kafka Streams cuts a window store into segments of half its retention (at
     * least a minute), and the first emit-on-window-close of each task fetches every window from time 0:
     * through the record cache that walks the segments one by one. With size + grace (90 s) that was some
     * 30 million empty one-minute segments since 1970, seconds of CPU for each new minute task (most of
     * `bench streams`' rollup time, and the delay before an IT's first minutes); with 30-minute segments
     * it is about a million, once. Closed windows are never emitted again (each emit range starts where
     * the previous one ended) and samples later than the grace period are still dropped.
     */
    static Duration retention(Duration window, Duration grace) {
        Duration sixtyWindows = window.multipliedBy(60);
        Duration minimum = window.plus(grace);
        return minimum.compareTo(sixtyWindows) > 0 ? minimum : sixtyWindows;
    }

    static TimestampExtractor sampleTime() {
        return (record, partitionTime) -> record.value() instanceof MetricSample s
                ? Math.min(s.ts(), record.timestamp()) : record.timestamp();
    }

    static TimestampExtractor windowStart() {
        return (record, partitionTime) -> record.value() instanceof MetricRollup r ? r.windowStart() : record.timestamp();
    }
}
