package org.dvic.streams.rollup;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.common.serialization.Deserializer;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.MetricSample;
import org.dvic.streams.serde.EventSerde;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Reads {@code dvic.metrics} values for the rollups. The strict {@link org.dvic.protocol.json.EventCodec}
 * builds a JSON tree and binds it, which was a third of the rollup thread's time; this reads the one
 * flat layout a sample has in a single streaming pass and builds the same {@link MetricSample} (whose
 * constructor still checks every name and value). Anything it does not expect (an unknown, repeated or
 * mistyped field, trailing content, a value the record refuses) goes to the strict codec instead, so
 * what is accepted and what is refused, with which reason, stays the codec's decision.
 */
final class SampleDeserializer implements Deserializer<MetricSample> {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public MetricSample deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        MetricSample sample = read(data);
        return sample != null ? sample : EventSerde.codec().decode(data, MetricSample.class);
    }

    /** The sample, or null when the document is anything but a plain, valid sample. */
    static MetricSample read(byte[] data) {
        try (JsonParser p = JSON.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            long version = -1;
            UUID nodeId = null;
            Long seq = null;
            Long ts = null;
            Map<String, Double> values = null;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> {
                        if (type != null || value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        type = p.getText();
                    }
                    case "v" -> {
                        if (version != -1 || value != JsonToken.VALUE_NUMBER_INT) {
                            return null;
                        }
                        version = p.getLongValue();
                    }
                    case "nodeId" -> {
                        if (nodeId != null || value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        String text = p.getText();
                        UUID id = UUID.fromString(text);
                        // UUID.fromString also takes shortened forms the codec refuses
                        if (text.length() != 36 || !id.toString().equalsIgnoreCase(text)) {
                            return null;
                        }
                        nodeId = id;
                    }
                    case "seq" -> {
                        if (seq != null || value != JsonToken.VALUE_NUMBER_INT) {
                            return null;
                        }
                        seq = p.getLongValue();
                    }
                    case "ts" -> {
                        if (ts != null || value != JsonToken.VALUE_NUMBER_INT) {
                            return null;
                        }
                        ts = p.getLongValue();
                    }
                    case "values" -> {
                        if (values != null || value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        values = new HashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken reading = p.nextToken();
                            if (reading != JsonToken.VALUE_NUMBER_FLOAT && reading != JsonToken.VALUE_NUMBER_INT) {
                                return null;
                            }
                            if (values.put(name, p.getDoubleValue()) != null) {
                                return null;
                            }
                        }
                        if (p.currentToken() != JsonToken.END_OBJECT) {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            if (!MetricSample.TYPE.equals(type) || version != Event.VERSION || nodeId == null || seq == null
                    || ts == null || values == null) {
                return null;
            }
            return new MetricSample(nodeId, seq, ts, values);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
