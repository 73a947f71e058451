package org.dvic.relay.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.dvic.protocol.InvalidFieldException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every refusal in the one error shape; protocol validation errors become 400s naming the field. */
public final class ApiErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorHandler.class);

    private ApiErrorHandler() {
    }

    @Produces
    @Singleton
    @Requires(classes = {ApiException.class, ExceptionHandler.class})
    public static class ApiExceptions implements ExceptionHandler<ApiException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, ApiException e) {
            var response = Json.error(e.status(), e.code(), e.getMessage(), e.field());
            if (e.status() == HttpStatus.TOO_MANY_REQUESTS) {
                response.header("Retry-After", "60");
            }
            return response;
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {InvalidFieldException.class, ExceptionHandler.class})
    public static class InvalidFields implements ExceptionHandler<InvalidFieldException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, InvalidFieldException e) {
            return Json.error(HttpStatus.BAD_REQUEST, "validation", e.reason(), e.field());
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {RuntimeException.class, ExceptionHandler.class})
    public static class Unexpected implements ExceptionHandler<RuntimeException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, RuntimeException e) {
            if (e instanceof ApiException api) {
                return Json.error(api.status(), api.code(), api.getMessage(), api.field());
            }
            if (e instanceof InvalidFieldException invalid) {
                return Json.error(HttpStatus.BAD_REQUEST, "validation", invalid.reason(), invalid.field());
            }
            if (e instanceof com.datastax.oss.driver.api.core.DriverException
                    || e instanceof org.apache.kafka.common.KafkaException) {
                LOG.warn("{} {} failed: backend unavailable: {}", request.getMethod(), request.getPath(), e.toString());
                return Json.error(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "a backend did not answer; retry", null);
            }
            LOG.error("{} {} failed", request.getMethod(), request.getPath(), e);
            return Json.error(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "internal error", null);
        }
    }
}
