package org.dvic.streams.rollup;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.event.MetricSample;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The running aggregate of every metric of one node in one window. Keeping a node's metrics
 * together keeps the node id as the key, so the rollups need no repartitioning.
 */
public final class NodeWindow {
    /** min, max, sum, count and the latest value (by observation time) of one metric. */
    static final class Stats {
        double min;
        double max;
        double sum;
        long count;
        double last;
        long lastTs;

        void add(double value, long ts) {
            addAll(value, value, value, 1, value, ts);
        }

        void addAll(double min, double max, double sum, long count, double last, long ts) {
            if (this.count == 0) {
                this.min = min;
                this.max = max;
                this.lastTs = Long.MIN_VALUE;
            } else {
                this.min = Math.min(this.min, min);
                this.max = Math.max(this.max, max);
            }
            this.sum += sum;
            this.count += count;
            if (ts >= lastTs) {
                this.last = last;
                this.lastTs = ts;
            }
        }
    }

    private final Map<String, Stats> metrics = new LinkedHashMap<>();

    public NodeWindow add(MetricSample sample) {
        sample.values().forEach((metric, value) -> metrics.computeIfAbsent(metric, m -> new Stats())
                .add(value, sample.ts()));
        return this;
    }

    /** Folds a finer rollup into this coarser window (1 m into 1 h); "last" follows the newest window. */
    public NodeWindow add(MetricRollup rollup) {
        metrics.computeIfAbsent(rollup.metric(), m -> new Stats()).addAll(rollup.min(), rollup.max(), rollup.sum(),
                rollup.count(), rollup.last(), rollup.windowStart());
        return this;
    }

    public List<MetricRollup> rollups(UUID nodeId, MetricRollup.Resolution resolution, long windowStart) {
        List<MetricRollup> out = new ArrayList<>(metrics.size());
        long end = windowStart + resolution.window().toMillis();
        metrics.forEach((metric, s) -> out.add(new MetricRollup(nodeId, metric, resolution, windowStart, end, s.min,
                s.max, s.sum, s.count, s.last)));
        return out;
    }

    public int size() {
        return metrics.size();
    }

    static Serde<NodeWindow> serde() {
        Serializer<NodeWindow> ser = (topic, w) -> {
            if (w == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + w.metrics.size() * 64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(1);
                out.writeInt(w.metrics.size());
                for (Iterator<Map.Entry<String, Stats>> it = w.metrics.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, Stats> e = it.next();
                    Stats s = e.getValue();
                    out.writeUTF(e.getKey());
                    out.writeDouble(s.min);
                    out.writeDouble(s.max);
                    out.writeDouble(s.sum);
                    out.writeLong(s.count);
                    out.writeDouble(s.last);
                    out.writeLong(s.lastTs);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        };
        Deserializer<NodeWindow> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            NodeWindow w = new NodeWindow();
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                if (in.readByte() != 1) {
                    throw new IllegalStateException("unknown rollup window layout");
                }
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    String metric = in.readUTF();
                    Stats s = new Stats();
                    s.min = in.readDouble();
                    s.max = in.readDouble();
                    s.sum = in.readDouble();
                    s.count = in.readLong();
                    s.last = in.readDouble();
                    s.lastTs = in.readLong();
                    w.metrics.put(metric, s);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return w;
        };
        return Serdes.serdeFrom(ser, de);
    }
}
