package org.dvic.protocol;

import org.dvic.protocol.identity.BoardTokens;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.identity.InvalidTokenException;
import org.dvic.protocol.identity.NodeKeys;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityTest {
    private static final Duration SKEW = Duration.ofSeconds(60);
    private final SecureRandom random = new SecureRandom();
    private final UUID node = UUID.randomUUID();
    private final Instant now = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void aTokenSignedByTheNodeVerifiesWithItsPublicKey() throws Exception {
        // Given a node key pair that went through its text encodings
        KeyPair keys = NodeKeys.generate();
        var pub = NodeKeys.decodePublic(NodeKeys.encodePublic(keys.getPublic()));
        var priv = NodeKeys.decodePrivate(NodeKeys.encodePrivate(keys.getPrivate()));
        // When the agent signs a token and the gateway verifies it 59 s later
        String token = ConnectToken.create(node, priv, now, random);
        ConnectToken claims = ConnectToken.verify(token, pub, now.plusSeconds(59), SKEW);
        // Then the claims are the node's and the nonce is fresh
        assertEquals(node, claims.nodeId());
        assertEquals(now.toEpochMilli(), claims.ts());
        assertEquals(22, claims.nonce().length());
        assertNotEquals(claims.nonce(), ConnectToken.parse(ConnectToken.create(node, priv, now, random)).nonce());
    }

    @Test
    void anotherNodesKeyIsABadSignature() {
        String token = ConnectToken.create(node, NodeKeys.generate().getPrivate(), now, random);
        var e = assertThrows(InvalidTokenException.class,
                () -> ConnectToken.verify(token, NodeKeys.generate().getPublic(), now, SKEW));
        assertEquals(InvalidTokenException.Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void aTamperedPayloadIsABadSignature() {
        KeyPair keys = NodeKeys.generate();
        String token = ConnectToken.create(node, keys.getPrivate(), now, random);
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        String forged = payload.replace(node.toString(), UUID.randomUUID().toString());
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes()) + "." + parts[2];
        var e = assertThrows(InvalidTokenException.class, () -> ConnectToken.verify(tampered, keys.getPublic(), now, SKEW));
        assertEquals(InvalidTokenException.Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void aTokenOutsideTheSkewWindowIsRefused() {
        KeyPair keys = NodeKeys.generate();
        String token = ConnectToken.create(node, keys.getPrivate(), now, random);
        var late = assertThrows(InvalidTokenException.class,
                () -> ConnectToken.verify(token, keys.getPublic(), now.plusSeconds(61), SKEW));
        var early = assertThrows(InvalidTokenException.class,
                () -> ConnectToken.verify(token, keys.getPublic(), now.minusSeconds(61), SKEW));
        assertEquals(InvalidTokenException.Reason.CLOCK_SKEW, late.reason());
        assertEquals(InvalidTokenException.Reason.CLOCK_SKEW, early.reason());
    }

    @Test
    void garbageIsMalformed() {
        for (String bad : new String[]{null, "", "Bearer x", "dvic1.abc", "dvic2.e30." + "A".repeat(86),
                "dvic1." + Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes()) + "." + "A".repeat(86)}) {
            var e = assertThrows(InvalidTokenException.class, () -> ConnectToken.parse(bad));
            assertEquals(InvalidTokenException.Reason.MALFORMED, e.reason());
        }
    }

    @Test
    void privateKeyErrorsDoNotEchoTheSecret() {
        var e = assertThrows(IllegalArgumentException.class, () -> NodeKeys.decodePrivate("c2VjcmV0LXNlY3JldA=="));
        assertFalse(e.getMessage().contains("c2VjcmV0"));
    }

    @Test
    void boardTokensMatchOnlyTheirHash() {
        String token = BoardTokens.generate(random);
        String hash = BoardTokens.sha256Hex(token);
        assertEquals(64, hash.length());
        assertTrue(BoardTokens.matches(token, hash));
        assertFalse(BoardTokens.matches(token + "x", hash));
        assertFalse(BoardTokens.matches(token, "zz"));
        assertFalse(BoardTokens.matches(null, hash));
    }
}
