package org.dvic.protocol.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The short-lived credential an agent presents when it opens its WebSocket:
 * {@code dvic1.<payload>.<signature>}, both parts base64url without padding. The payload is the
 * JSON {@code {"nodeId":"<uuid>","ts":<epoch ms>,"nonce":"<22 base64url chars>"}}; the signature
 * is Ed25519 over the ASCII bytes of {@code dvic1.<payload>}, so no JSON canonicalization is needed.
 * The verifier checks the signature, the clock skew and (with its own memory) that the nonce is new.
 */
public record ConnectToken(UUID nodeId, long ts, String nonce) {
    public static final String PREFIX = "dvic1.";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final Pattern TOKEN = Pattern.compile("dvic1\\.([A-Za-z0-9_-]{1,512})\\.([A-Za-z0-9_-]{86})");
    private static final Pattern PAYLOAD = Pattern.compile(
            "\\{\"nodeId\":\"([0-9a-f-]{36})\",\"ts\":(\\d{1,15}),\"nonce\":\"([A-Za-z0-9_-]{22})\"}");

    /** A fresh token for this node, signed now. */
    public static String create(UUID nodeId, PrivateKey key, Instant now, SecureRandom random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String payload = "{\"nodeId\":\"" + nodeId + "\",\"ts\":" + now.toEpochMilli()
                + ",\"nonce\":\"" + B64.encodeToString(nonce) + "\"}";
        String signed = PREFIX + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signer = Signature.getInstance(NodeKeys.ALGORITHM);
            signer.initSign(key);
            signer.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + B64.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key (not Ed25519?)", e);
        }
    }

    /** Reads the claims without checking the signature: to find the node whose key verifies it. */
    public static ConnectToken parse(String token) throws InvalidTokenException {
        Matcher m = token == null ? null : TOKEN.matcher(token);
        if (m == null || !m.matches()) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "not a dvic1 token");
        }
        String payload;
        try {
            payload = new String(B64D.decode(m.group(1)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "payload is not base64url");
        }
        Matcher p = PAYLOAD.matcher(payload);
        if (!p.matches()) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "payload is not the token JSON");
        }
        UUID nodeId;
        try {
            nodeId = UUID.fromString(p.group(1));
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "nodeId is not a UUID");
        }
        return new ConnectToken(nodeId, Long.parseLong(p.group(2)), p.group(3));
    }

    /**
     * Checks {@code token} against the node's public key and the clock; returns its claims.
     * Replay protection (the nonce seen before) is the caller's: it needs memory across calls.
     */
    public static ConnectToken verify(String token, PublicKey key, Instant now, Duration maxSkew)
            throws InvalidTokenException {
        ConnectToken claims = parse(token);
        int lastDot = token.lastIndexOf('.');
        try {
            Signature verifier = Signature.getInstance(NodeKeys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(B64D.decode(token.substring(lastDot + 1)))) {
                throw new InvalidTokenException(InvalidTokenException.Reason.BAD_SIGNATURE, "signature does not verify");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Reason.BAD_SIGNATURE, "signature does not verify");
        }
        long skew = Math.abs(now.toEpochMilli() - claims.ts());
        if (skew > maxSkew.toMillis()) {
            throw new InvalidTokenException(InvalidTokenException.Reason.CLOCK_SKEW,
                    "token time is " + skew + " ms away from the server's clock (max " + maxSkew.toMillis() + ")");
        }
        return claims;
    }
}
