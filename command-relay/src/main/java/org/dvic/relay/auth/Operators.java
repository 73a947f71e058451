package org.dvic.relay.auth;

import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.config.AuthSettings;
import org.dvic.store.OperatorRepository;
import org.dvic.store.OperatorRepository.Operator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Operator accounts: login, the sessions' check against the current account, the one-time setup of
 * the first admin, and account administration. Accounts live in Cassandra (shared by all relay
 * instances); each instance caches an account for a few seconds so a request costs no query.
 */
@Singleton
public final class Operators {
    private static final Logger LOG = LoggerFactory.getLogger(Operators.class);
    public static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    public static final int PASSWORD_MIN = 12;
    public static final int PASSWORD_MAX = 1024;
    private static final long CACHE_MS = 5_000;

    private final OperatorRepository repo;
    private final PasswordHasher hasher;
    private final SessionCodec sessions;
    private final long sessionTtlMs;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Operator operator, long loadedAt) {
    }

    public Operators(OperatorRepository repo, PasswordHasher hasher, SessionCodec sessions, AuthSettings settings) {
        this.repo = repo;
        this.hasher = hasher;
        this.sessions = sessions;
        this.sessionTtlMs = settings.getSessionTtl().toMillis();
    }

    /** The principal of a session cookie value, or null when it is not (or no longer) valid. */
    public Principal fromCookie(String cookie, long now) {
        SessionCodec.Claims claims = sessions.decode(cookie, now);
        if (claims == null) {
            return null;
        }
        Operator op = current(claims.username(), now);
        if (op == null || op.disabled() || op.credentialsVersion() != claims.credentialsVersion()) {
            return null;
        }
        Role role = Role.parse(op.role());
        return role == null ? null : new Principal(op.username(), role, op.credentialsVersion(), claims.expiresAt());
    }

    /** Checks the password; the same null for unknown user, wrong password and disabled account. */
    public Principal authenticate(String username, String password, long now) {
        Operator op = USERNAME.matcher(username).matches() ? repo.find(username).orElse(null) : null;
        if (op == null) {
            hasher.burn(password);
            return null;
        }
        if (!hasher.verify(password, op.passwordHash()) || op.disabled()) {
            return null;
        }
        Role role = Role.parse(op.role());
        if (role == null) {
            return null;
        }
        cache.put(username, new Cached(op, now));
        return new Principal(op.username(), role, op.credentialsVersion(), now + sessionTtlMs);
    }

    public String cookieValue(Principal p) {
        return sessions.encode(new SessionCodec.Claims(p.username(), p.credentialsVersion(), p.expiresAt()));
    }

    public long sessionTtlMs() {
        return sessionTtlMs;
    }

    public boolean setupRequired() {
        return repo.setup().map(s -> !s.completed()).orElse(true);
    }

    /** Creates the first admin if {@code token} is the setup token and setup is still open. */
    public Principal completeSetup(String token, String username, String password, long now) {
        checkUsername(username, "username");
        checkPassword(password, "password");
        var setup = repo.setup().orElse(null);
        if (setup == null || setup.completed()) {
            throw new ApiException(HttpStatus.CONFLICT, "setup_done", "the first admin already exists; log in");
        }
        if (!BoardTokens.matches(token, setup.tokenSha256())) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_setup_token", "wrong setup token");
        }
        if (!repo.completeSetup(setup.tokenSha256(), now)) {
            throw new ApiException(HttpStatus.CONFLICT, "setup_done", "the first admin already exists; log in");
        }
        Operator admin = new Operator(username, hasher.hash(password), Role.ADMIN.wire(), false, 1, now, "setup", now);
        if (!repo.create(admin)) {
            throw new ApiException(HttpStatus.CONFLICT, "username_taken", "that username is taken");
        }
        LOG.info("first admin '{}' created through the setup token", username);
        return new Principal(username, Role.ADMIN, 1, now + sessionTtlMs);
    }

    public List<Operator> all() {
        return repo.all();
    }

    public Operator create(String username, String password, Role role, String by, long now) {
        checkUsername(username, "username");
        checkPassword(password, "password");
        Operator op = new Operator(username, hasher.hash(password), role.wire(), false, 1, now, by, now);
        if (!repo.create(op)) {
            throw new ApiException(HttpStatus.CONFLICT, "username_taken", "that username is taken");
        }
        LOG.info("operator '{}' ({}) created by '{}'", username, role.wire(), by);
        return op;
    }

    /** Changes role, password or disabled flag; bumps the credentials version (ends the account's sessions). */
    public Operator update(String username, Role role, String password, Boolean disabled, String by, long now) {
        if (password != null) {
            checkPassword(password, "password");
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            Operator op = repo.find(username).orElseThrow(() -> ApiException.notFound("operator"));
            Operator changed = new Operator(username, password == null ? op.passwordHash() : hasher.hash(password),
                    role == null ? op.role() : role.wire(), disabled == null ? op.disabled() : disabled,
                    op.credentialsVersion() + 1, op.createdAt(), op.createdBy(), now);
            if (repo.update(changed, op.credentialsVersion())) {
                cache.remove(username);
                LOG.info("operator '{}' changed by '{}' (role {}, password {}, disabled {})", username, by,
                        changed.role(), password == null ? "kept" : "changed", changed.disabled());
                return changed;
            }
        }
        throw ApiException.conflict("conflict", "the account changed meanwhile; retry");
    }

    public void delete(String username, String by) {
        if (!repo.delete(username)) {
            throw ApiException.notFound("operator");
        }
        cache.remove(username);
        LOG.info("operator '{}' deleted by '{}'", username, by);
    }

    /** Verifies the current password, then sets the new one. */
    public Principal changeOwnPassword(Principal who, String current, String next, long now) {
        checkPassword(next, "newPassword");
        Operator op = repo.find(who.username()).orElseThrow(ApiException::unauthenticated);
        if (!hasher.verify(current, op.passwordHash())) {
            throw ApiException.invalid("currentPassword", "wrong password");
        }
        Operator changed = update(who.username(), null, next, null, who.username(), now);
        return new Principal(who.username(), who.role(), changed.credentialsVersion(), now + sessionTtlMs);
    }

    private Operator current(String username, long now) {
        Cached c = cache.get(username);
        if (c != null && now - c.loadedAt() < CACHE_MS) {
            return c.operator();
        }
        Operator op = repo.find(username).orElse(null);
        if (op == null) {
            cache.remove(username);
        } else {
            cache.put(username, new Cached(op, now));
        }
        return op;
    }

    static void checkUsername(String username, String field) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw ApiException.invalid(field, "2–64 characters: lower-case letters, digits, '.', '_', '-'");
        }
    }

    static void checkPassword(String password, String field) {
        if (password == null || password.length() < PASSWORD_MIN || password.length() > PASSWORD_MAX) {
            throw ApiException.invalid(field, "must be " + PASSWORD_MIN + " to " + PASSWORD_MAX + " characters");
        }
    }
}
