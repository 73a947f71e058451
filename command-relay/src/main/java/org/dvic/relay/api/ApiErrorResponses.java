package org.dvic.relay.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;

/**
 * Errors Micronaut raises itself (no route, wrong method, unreadable body) in the API's one error
 * shape, with fixed messages that never echo the request.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public final class ApiErrorResponses implements ErrorResponseProcessor<byte[]> {
    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<byte[]> processResponse(ErrorContext context, MutableHttpResponse<?> base) {
        HttpStatus status = base.getStatus();
        String code = switch (status) {
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case UNAUTHORIZED -> "unauthenticated";
            case FORBIDDEN -> "forbidden";
            case REQUEST_ENTITY_TOO_LARGE -> "too_large";
            case BAD_REQUEST -> "validation";
            default -> status.getCode() >= 500 ? "internal" : "error";
        };
        String message = switch (status) {
            case NOT_FOUND -> "no such endpoint";
            case METHOD_NOT_ALLOWED -> "method not allowed here";
            case BAD_REQUEST -> "bad request";
            default -> status.getReason();
        };
        byte[] body = Json.write(Json.object().set("error", Json.error(code, message, null))).getBytes(StandardCharsets.UTF_8);
        return ((MutableHttpResponse<byte[]>) base).body(body).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
