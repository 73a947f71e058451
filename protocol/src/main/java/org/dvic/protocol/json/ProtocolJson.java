package org.dvic.protocol.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.dvic.protocol.InvalidFieldException;

import java.io.IOException;
import java.util.List;

/**
 * The strict JSON mapping shared by every codec: no coercion between types, no unknown fields,
 * no duplicate keys, no trailing content, and every failure turned into a {@link ProtocolException}
 * that names the field. Output is deterministic (map keys sorted, nulls omitted).
 */
public final class ProtocolJson {
    private final ObjectMapper mapper;

    public ProtocolJson() {
        JsonMapper m = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        for (LogicalType t : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean, LogicalType.OtherScalar, LogicalType.Enum)) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer || t == LogicalType.Float
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, t == LogicalType.Float
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, t == LogicalType.Textual
                            ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        this.mapper = m;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses one JSON document; malformed JSON and trailing content become a ProtocolException on {@code $}. */
    public JsonNode parse(byte[] json) {
        try {
            JsonNode node = mapper.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new ProtocolException("$", "empty document");
            }
            return node;
        } catch (IOException e) {
            throw JsonErrors.unreadable(e);
        }
    }

    /** Binds a parsed object to a record, translating Jackson's failures; {@code path} prefixes field names. */
    public <T> T bind(JsonNode node, Class<T> type, String path) {
        try {
            return mapper.treeToValue(node, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            String at = JsonErrors.join(path, pathOf(e));
            if (cause instanceof InvalidFieldException invalid) {
                throw new ProtocolException(JsonErrors.join(at, invalid.field()), invalid.reason());
            }
            throw new ProtocolException(JsonErrors.orRoot(at), "invalid value"
                    + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""));
        } catch (UnrecognizedPropertyException e) {
            throw new ProtocolException(JsonErrors.join(path, pathOf(e)), "unknown field");
        } catch (InvalidFormatException e) {
            // A string of the wrong form (a bad UUID, an unknown enum name) is quoted; a value of
            // the wrong JSON type only gets the expected type.
            boolean wrongForm = node.at(pointerOf(e)).isTextual();
            throw new ProtocolException(JsonErrors.orRoot(JsonErrors.join(path, pathOf(e))), (wrongForm ? "invalid value '"
                    + JsonErrors.abbreviate(String.valueOf(e.getValue())) + "': " : "") + "expected " + JsonErrors.describe(e.getTargetType()));
        } catch (MismatchedInputException e) {
            String at = JsonErrors.orRoot(JsonErrors.join(path, pathOf(e)));
            JsonNode value = node.at(pointerOf(e));
            if (value.isMissingNode()) {
                throw new ProtocolException(at, "missing required field");
            }
            if (value.isNull()) {
                throw new ProtocolException(at, "must not be null");
            }
            throw new ProtocolException(at, "expected " + JsonErrors.describe(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw new ProtocolException(JsonErrors.orRoot(JsonErrors.join(path, pathOf(e))), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ProtocolException(JsonErrors.orRoot(path), e.getOriginalMessage());
        }
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // Records of this module always serialize; failing here is a programming error.
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** JSON path of a mapping failure: {@code a.b[2].c}. */
    static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The failing value's place in the bound node (map keys may hold dots, so not derived from the text path). */
    private static JsonPointer pointerOf(JsonMappingException e) {
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference ref : e.getPath()) {
            pointer = ref.getFieldName() != null ? pointer.appendProperty(ref.getFieldName())
                    : pointer.appendIndex(Math.max(ref.getIndex(), 0));
        }
        return pointer;
    }
}
