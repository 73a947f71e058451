package org.dvic.relay.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterPatternStyle;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.dvic.relay.auth.Operators;

/**
 * Resolves the session cookie of every API request except the live socket's upgrade (see
 * {@link RequestGuardFilter}) to a principal, off the event loop since it may read Cassandra;
 * controllers then decide 401/403 with {@link Guard}.
 */
@ServerFilter(patterns = "^/api/(?!live$).*", patternStyle = FilterPatternStyle.REGEX)
public final class SessionFilter implements Ordered {
    private final Operators operators;

    public SessionFilter(Operators operators) {
        this.operators = operators;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 200;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public void resolve(HttpRequest<?> request) {
        RequestGuardFilter.resolve(operators, request);
    }
}
