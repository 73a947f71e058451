package org.dvic.relay.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.api.Json;
import org.dvic.relay.api.RequestBody;
import org.dvic.relay.web.Guard;
import org.dvic.store.OperatorRepository.Operator;

import java.util.Comparator;

/** Operator accounts (admin). */
@Controller("/api/operators")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class OperatorController {
    private final Operators operators;

    public OperatorController(Operators operators) {
        this.operators = operators;
    }

    @Get
    public HttpResponse<?> list(HttpRequest<?> request) {
        Guard.require(request, Role.ADMIN);
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("operators");
        operators.all().stream().sorted(Comparator.comparing(Operator::username)).forEach(op -> a.add(json(op)));
        return Json.ok(o);
    }

    @Post
    public HttpResponse<?> create(HttpRequest<?> request, @Nullable @Body String body) {
        Principal admin = Guard.require(request, Role.ADMIN);
        RequestBody b = RequestBody.parse(body, "username", "password", "role");
        Role role = role(b.string("role", 16));
        Operator op = operators.create(b.string("username", 64), b.string("password", 1024), role, admin.username(),
                System.currentTimeMillis());
        return Json.respond(HttpStatus.CREATED, json(op));
    }

    @Patch("/{username}")
    public HttpResponse<?> update(HttpRequest<?> request, @PathVariable String username, @Nullable @Body String body) {
        Principal admin = Guard.require(request, Role.ADMIN);
        Operators.checkUsername(username, "username");
        RequestBody b = RequestBody.parse(body, "role", "password", "disabled");
        String roleText = b.optionalString("role", 16);
        Role role = roleText == null ? null : role(roleText);
        Boolean disabled = b.optionalBoolean("disabled");
        if (username.equals(admin.username()) && ((role != null && role != Role.ADMIN) || Boolean.TRUE.equals(disabled))) {
            throw ApiException.invalid(role != null ? "role" : "disabled", "an admin cannot demote or disable itself");
        }
        Operator op = operators.update(username, role, b.optionalString("password", 1024), disabled, admin.username(),
                System.currentTimeMillis());
        return Json.ok(json(op));
    }

    @Delete("/{username}")
    public HttpResponse<?> delete(HttpRequest<?> request, @PathVariable String username) {
        Principal admin = Guard.require(request, Role.ADMIN);
        Operators.checkUsername(username, "username");
        if (username.equals(admin.username())) {
            throw ApiException.invalid("username", "an admin cannot delete itself");
        }
        operators.delete(username, admin.username());
        return HttpResponse.noContent();
    }

    private static Role role(String text) {
        Role role = Role.parse(text);
        if (role == null) {
            throw ApiException.invalid("role", "one of viewer, operator, admin");
        }
        return role;
    }

    private static ObjectNode json(Operator op) {
        ObjectNode o = Json.object();
        o.put("username", op.username());
        o.put("role", op.role());
        o.put("disabled", op.disabled());
        o.put("createdAt", op.createdAt());
        o.put("createdBy", op.createdBy());
        return o;
    }
}
