package org.dvic.protocol.identity;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpdateSignatureTest {
    private final KeyPair relay = NodeKeys.generate();
    private final String sha = "ab".repeat(32);

    @Test
    void aSignatureVerifiesForItsVersionAndHashOnlyAndWithTheRelaysKeyOnly() {
        String sig = UpdateSignature.sign(relay.getPrivate(), "0.2.0", sha);

        assertEquals(86, sig.length());
        assertTrue(UpdateSignature.verify(relay.getPublic(), "0.2.0", sha, sig));
        assertFalse(UpdateSignature.verify(relay.getPublic(), "0.2.1", sha, sig), "another version");
        assertFalse(UpdateSignature.verify(relay.getPublic(), "0.2.0", "cd".repeat(32), sig), "another jar");
        assertFalse(UpdateSignature.verify(NodeKeys.generate().getPublic(), "0.2.0", sha, sig), "another key");
        assertFalse(UpdateSignature.verify(relay.getPublic(), "0.2.0", sha, "not base64 !"), "garbage");
        assertFalse(UpdateSignature.verify(relay.getPublic(), "0.2.0", sha, "A".repeat(86)), "forged");
    }
}
