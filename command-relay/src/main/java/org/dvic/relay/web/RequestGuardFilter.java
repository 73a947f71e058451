package org.dvic.relay.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import org.dvic.relay.api.Json;
import org.dvic.relay.auth.Operators;
import org.dvic.relay.auth.Principal;
import org.dvic.relay.auth.SessionCodec;
import org.dvic.relay.config.RelaySettings;

import java.util.Set;

/**
 * Runs before every request: resolves the session cookie to a {@link Principal} (request attribute
 * {@link #PRINCIPAL}; controllers decide 401/403 with {@link Guard}), refuses the live socket's
 * upgrade without a session, refuses cross-origin browser requests not on the allow-list, refuses
 * state-changing requests whose body is not JSON (with SameSite=Strict this closes CSRF), and
 * answers CORS only for configured origins. After every request: security headers.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class RequestGuardFilter implements Ordered {
    public static final String PRINCIPAL = "dvic.principal";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Operators operators;
    private final Set<String> allowedOrigins;

    public RequestGuardFilter(Operators operators, RelaySettings settings) {
        this.operators = operators;
        this.allowedOrigins = Set.copyOf(settings.getCorsAllowedOrigins());
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 100;
    }

    /**
     * Runs on the event loop: a filter moved to another thread delays the WebSocket upgrade past the
     * client's first frame (Micronaut then fails the frame). The live socket's session check reads
     * the account from {@link Operators}' few-second cache, so it rarely touches Cassandra here;
     * every other request's session is resolved off the event loop by {@link SessionFilter}.
     */
    @RequestFilter
    @Nullable
    public HttpResponse<?> before(HttpRequest<?> request) {
        String path = request.getPath();
        boolean api = path.startsWith("/api/") || path.equals("/api");
        if (!api) {
            return null;
        }
        String origin = request.getHeaders().get("Origin");
        boolean crossOrigin = origin != null && !sameOrigin(request, origin);
        if (crossOrigin && !allowedOrigins.contains(origin)) {
            return Json.error(HttpStatus.FORBIDDEN, "forbidden_origin", "cross-origin requests are not allowed", null);
        }
        if (request.getMethod() == HttpMethod.OPTIONS && crossOrigin) {
            return HttpResponse.noContent()
                    .header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
                    .header("Access-Control-Allow-Headers", "Content-Type")
                    .header("Access-Control-Max-Age", "600");
        }
        if (!SAFE.contains(request.getMethod())) {
            MediaType type = request.getContentType().orElse(null);
            if (type != null && !type.getName().equals(MediaType.APPLICATION_JSON)) {
                return Json.error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                        "send the body as application/json", null);
            }
        }
        if (path.equals("/api/live")) {
            Principal principal = resolve(operators, request);
            if (principal == null) {
                return Json.error(HttpStatus.UNAUTHORIZED, "unauthenticated", "log in first (no valid session)", null);
            }
        }
        return null;
    }

    @ResponseFilter
    public void after(HttpRequest<?> request, MutableHttpResponse<?> response) {
        var headers = response.getHeaders();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        String path = request.getPath();
        if (path.startsWith("/api/")) {
            if (!headers.contains("Cache-Control")) {
                headers.set("Cache-Control", "no-store");
            }
            String origin = request.getHeaders().get("Origin");
            if (origin != null && allowedOrigins.contains(origin)) {
                headers.set("Access-Control-Allow-Origin", origin);
                headers.set("Access-Control-Allow-Credentials", "true");
                headers.add("Vary", "Origin");
            }
        } else {
            headers.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                    + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        }
    }

    /** Resolves the session cookie to a principal and keeps it as the request attribute {@link #PRINCIPAL}. */
    static Principal resolve(Operators operators, HttpRequest<?> request) {
        String cookie = request.getCookies().findCookie(SessionCodec.COOKIE).map(Cookie::getValue).orElse(null);
        Principal principal = cookie == null ? null : operators.fromCookie(cookie, System.currentTimeMillis());
        if (principal != null) {
            request.setAttribute(PRINCIPAL, principal);
        }
        return principal;
    }

    private static boolean sameOrigin(HttpRequest<?> request, String origin) {
        String host = request.getHeaders().get("Host");
        if (host == null) {
            return false;
        }
        return origin.equals("http://" + host) || origin.equals("https://" + host);
    }
}
