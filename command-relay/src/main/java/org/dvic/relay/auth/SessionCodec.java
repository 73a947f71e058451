package org.dvic.relay.auth;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Singleton;
import org.dvic.relay.api.Json;
import org.dvic.relay.config.AuthSettings;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The session cookie value: {@code base64url(json).base64url(HMAC-SHA256(secret, base64url(json)))}
 * with the username, the credentials version it was issued for and its expiry. Stateless, so any
 * relay instance with the same secret accepts it; a password, role or disabled change bumps the
 * version in Cassandra and so ends older sessions.
 */
@Singleton
public final class SessionCodec {
    public static final String COOKIE = "dvic_session";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public SessionCodec(AuthSettings settings) {
        this.key = new SecretKeySpec(settings.getSessionSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The claims of a valid session. */
    public record Claims(String username, long credentialsVersion, long expiresAt) {
    }

    public String encode(Claims claims) {
        var node = Json.object();
        node.put("u", claims.username());
        node.put("cv", claims.credentialsVersion());
        node.put("exp", claims.expiresAt());
        String payload = B64.encodeToString(Json.write(node).getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(mac(payload));
    }

    /** The claims, or null when the value is malformed, forged or expired. */
    public Claims decode(String value, long now) {
        if (value == null || value.length() > 1024) {
            return null;
        }
        int dot = value.indexOf('.');
        if (dot <= 0 || dot != value.lastIndexOf('.')) {
            return null;
        }
        String payload = value.substring(0, dot);
        byte[] presented;
        try {
            presented = B64D.decode(value.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(mac(payload), presented)) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(B64D.decode(payload));
            long exp = node.path("exp").asLong(0);
            String user = node.path("u").asText(null);
            if (user == null || exp <= now) {
                return null;
            }
            return new Claims(user, node.path("cv").asLong(-1), exp);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }
}
