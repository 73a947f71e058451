package org.dvic.relay.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.EventCodec;

import java.nio.charset.StandardCharsets;

/**
 * The relay's JSON: responses are built as Jackson trees and written as bytes, so the exact shape
 * of the OpenAPI document is visible in the code; protocol events are embedded as their own JSON.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return F.objectNode();
    }

    public static ArrayNode array() {
        return F.arrayNode();
    }

    /** The protocol JSON of an event as a tree. */
    public static JsonNode event(EventCodec codec, Event event) {
        try {
            return MAPPER.readTree(codec.encode(event));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot re-read an encoded event", e);
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static MutableHttpResponse<byte[]> ok(JsonNode body) {
        return respond(HttpStatus.OK, body);
    }

    public static MutableHttpResponse<byte[]> respond(HttpStatus status, JsonNode body) {
        return HttpResponse.<byte[]>status(status).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(write(body).getBytes(StandardCharsets.UTF_8));
    }

    public static ObjectNode error(String code, String message, String field) {
        ObjectNode error = object();
        error.put("code", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        return error;
    }

    public static MutableHttpResponse<byte[]> error(HttpStatus status, String code, String message, String field) {
        ObjectNode body = object();
        body.set("error", error(code, message, field));
        return respond(status, body);
    }
}
