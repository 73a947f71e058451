package org.dvic.relay.web;

import io.micronaut.http.HttpRequest;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.auth.Principal;
import org.dvic.relay.auth.Role;

/** Every controller method starts with {@code Guard.require(request, role)}: 401 without a session, 403 below the role. */
public final class Guard {
    private Guard() {
    }

    public static Principal require(HttpRequest<?> request, Role min) {
        Principal p = request.getAttribute(RequestGuardFilter.PRINCIPAL, Principal.class)
                .orElseThrow(ApiException::unauthenticated);
        if (!p.role().atLeast(min)) {
            throw ApiException.forbidden("this needs the role " + min.wire() + " (you are " + p.role().wire() + ")");
        }
        return p;
    }
}
