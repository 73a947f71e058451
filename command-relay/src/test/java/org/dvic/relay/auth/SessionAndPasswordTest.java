package org.dvic.relay.auth;

import org.dvic.relay.config.AuthSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionAndPasswordTest {
    private static AuthSettings settings(String secret) {
        AuthSettings s = new AuthSettings();
        s.setSessionSecret(secret);
        return s;
    }

    @Test
    void argon2idHashesVerifyAndAreSaltedWithTheDefaultParameters() {
        // Given the production defaults (19 MiB, 2 passes)
        PasswordHasher hasher = new PasswordHasher(settings("x".repeat(32)));
        // When a password is hashed twice
        String a = hasher.hash("correct horse battery");
        String b = hasher.hash("correct horse battery");
        // Then both verify, neither verifies another password, and the salts differ
        assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a);
        assertNotEquals(a, b);
        assertTrue(hasher.verify("correct horse battery", a));
        assertTrue(hasher.verify("correct horse battery", b));
        assertFalse(hasher.verify("correct horse batterY", a));
        assertFalse(hasher.verify("anything", "not a hash"));
    }

    @Test
    void sessionsAreSignedExpireAndDoNotSurviveAnotherSecret() {
        SessionCodec codec = new SessionCodec(settings("secret-one-0123456789-0123456789-ab"));
        String cookie = codec.encode(new SessionCodec.Claims("alice", 3, 2_000));
        // A valid cookie reads back
        assertEquals(new SessionCodec.Claims("alice", 3, 2_000), codec.decode(cookie, 1_000));
        // Expired
        assertNull(codec.decode(cookie, 2_000));
        // Another instance's secret
        assertNull(new SessionCodec(settings("secret-two-0123456789-0123456789-ab")).decode(cookie, 1_000));
        // Tampered payload (role or user swapped in by a client)
        String forged = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"u\":\"admin\",\"cv\":3,\"exp\":2000}".getBytes()) + cookie.substring(cookie.indexOf('.'));
        assertNull(codec.decode(forged, 1_000));
        assertNull(codec.decode("garbage", 1_000));
        assertNull(codec.decode(null, 1_000));
    }

    @Test
    void rolesIncludeTheOnesBelow() {
        assertTrue(Role.ADMIN.atLeast(Role.OPERATOR));
        assertTrue(Role.OPERATOR.atLeast(Role.VIEWER));
        assertFalse(Role.VIEWER.atLeast(Role.OPERATOR));
        assertNull(Role.parse("root"));
    }
}
