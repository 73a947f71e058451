package org.dvic.relay.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micrometer.core.instrument.MeterRegistry;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.api.Json;
import org.dvic.relay.api.RequestBody;
import org.dvic.relay.config.AuthSettings;
import org.dvic.relay.web.Guard;

import java.time.Duration;

/** Login, logout, who am I, own password, and the one-time first-admin setup. */
@Controller("/api/auth")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class AuthController {
    private final Operators operators;
    private final LoginLimiter limiter;
    private final boolean secureCookie;
    private final MeterRegistry meters;

    public AuthController(Operators operators, LoginLimiter limiter, AuthSettings settings, MeterRegistry meters,
                          @Value("${micronaut.server.ssl.enabled:false}") boolean serverSsl,
                          @Value("${micronaut.ssl.enabled:false}") boolean ssl) {
        this.operators = operators;
        this.limiter = limiter;
        this.meters = meters;
        this.secureCookie = switch (settings.getSecureCookie()) {
            case "true" -> true;
            case "false" -> false;
            default -> serverSsl || ssl;
        };
    }

    @Get("/setup")
    public HttpResponse<?> setupState() {
        ObjectNode o = Json.object();
        o.put("setupRequired", operators.setupRequired());
        return Json.ok(o);
    }

    @Post("/setup")
    public HttpResponse<?> setup(HttpRequest<?> request, @Nullable @Body String body) {
        RequestBody b = RequestBody.parse(body, "setupToken", "username", "password");
        String address = address(request);
        long now = System.currentTimeMillis();
        if (limiter.blocked(address, "(setup)", now)) {
            throw rateLimited();
        }
        String token = b.string("setupToken", 256);
        try {
            Principal p = operators.completeSetup(token, b.string("username", 64), b.string("password", 1024), now);
            return withSession(HttpStatus.CREATED, p);
        } catch (ApiException e) {
            if (e.code().equals("invalid_setup_token")) {
                limiter.failed(address, "(setup)", now);
            }
            throw e;
        }
    }

    @Post("/login")
    public HttpResponse<?> login(HttpRequest<?> request, @Nullable @Body String body) {
        RequestBody b = RequestBody.parse(body, "username", "password");
        String username = b.string("username", 64);
        String password = b.string("password", 1024);
        String address = address(request);
        long now = System.currentTimeMillis();
        if (limiter.blocked(address, username, now)) {
            meters.counter("dvic.relay.logins", "result", "throttled").increment();
            throw rateLimited();
        }
        Principal p = operators.authenticate(username, password, now);
        if (p == null) {
            limiter.failed(address, username, now);
            meters.counter("dvic.relay.logins", "result", "refused").increment();
            throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_credentials", "wrong username or password");
        }
        limiter.succeeded(username);
        meters.counter("dvic.relay.logins", "result", "ok").increment();
        return withSession(HttpStatus.OK, p);
    }

    @Post("/logout")
    public HttpResponse<?> logout() {
        return HttpResponse.noContent().cookie(cookie("").maxAge(Duration.ZERO));
    }

    @Get("/me")
    public HttpResponse<?> me(HttpRequest<?> request) {
        return Json.ok(me(Guard.require(request, Role.VIEWER)));
    }

    @Put("/password")
    public HttpResponse<?> password(HttpRequest<?> request, @Nullable @Body String body) {
        Principal p = Guard.require(request, Role.VIEWER);
        RequestBody b = RequestBody.parse(body, "currentPassword", "newPassword");
        Principal renewed = operators.changeOwnPassword(p, b.string("currentPassword", 1024),
                b.string("newPassword", 1024), System.currentTimeMillis());
        // Every other session of this account ends with the version bump; this one gets a new cookie.
        return HttpResponse.noContent().cookie(cookie(operators.cookieValue(renewed))
                .maxAge(Duration.ofMillis(operators.sessionTtlMs())));
    }

    private MutableHttpResponse<?> withSession(HttpStatus status, Principal p) {
        String value = operators.cookieValue(p);
        return Json.respond(status, me(p))
                .cookie(cookie(value).maxAge(Duration.ofMillis(operators.sessionTtlMs())));
    }

    private Cookie cookie(String value) {
        return Cookie.of(org.dvic.relay.auth.SessionCodec.COOKIE, value).httpOnly(true).secure(secureCookie)
                .sameSite(SameSite.Strict).path("/");
    }

    static ObjectNode me(Principal p) {
        ObjectNode o = Json.object();
        o.put("username", p.username());
        o.put("role", p.role().wire());
        o.put("expiresAt", p.expiresAt());
        return o;
    }

    private static ApiException rateLimited() {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "too many failed attempts; wait a minute");
    }

    private static String address(HttpRequest<?> request) {
        var remote = request.getRemoteAddress();
        return remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
    }
}
