package org.dvic.protocol.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * The relay's Ed25519 signature on an agent update: over {@code "dvic-update-v1\n<version>\n<sha256>\n"},
 * base64url without padding (86 characters). The agent checks it with the relay's update public key
 * from its config before it downloads anything, then checks the download against the SHA-256: a
 * command injected into {@code dvic.commands} without the relay's key installs nothing.
 */
public final class UpdateSignature {
    private static final String DOMAIN = "dvic-update-v1\n";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private UpdateSignature() {
    }

    private static byte[] payload(String version, String sha256) {
        return (DOMAIN + version + "\n" + sha256 + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static String sign(PrivateKey key, String version, String sha256) {
        try {
            Signature s = Signature.getInstance(NodeKeys.ALGORITHM);
            s.initSign(key);
            s.update(payload(version, sha256));
            return B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key (not Ed25519?)", e);
        }
    }

    /** True only for a well-formed signature by {@code key} over this version and hash. */
    public static boolean verify(PublicKey key, String version, String sha256, String signature) {
        try {
            Signature s = Signature.getInstance(NodeKeys.ALGORITHM);
            s.initVerify(key);
            s.update(payload(version, sha256));
            return s.verify(B64D.decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
