package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A node's identity, compacted per node: an agent's Ed25519 public key (X.509, base64) or an ESP32
 * board's token hash (SHA-256, hex). Never a secret. {@code heartbeatTimeoutMs} overrides the
 * liveness timeout for this node.
 */
public record RegistryEntry(UUID nodeId, NodeKind kind, String name, @Nullable String publicKey,
                            @Nullable String tokenSha256, Map<String, String> labels, boolean revoked,
                            @Nullable Long heartbeatTimeoutMs, long updatedAt, String updatedBy) implements Event {
    public static final String TYPE = "registry-entry";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");

    public RegistryEntry {
        Check.required(nodeId, "nodeId");
        Check.required(kind, "kind");
        Check.nonBlank(name, "name", Limits.NAME);
        if (kind == NodeKind.AGENT) {
            Check.matches(publicKey, "publicKey", BASE64, "a base64 X.509 Ed25519 public key");
            if (tokenSha256 != null) {
                throw new InvalidFieldException("tokenSha256", "an agent authenticates by key, not by token");
            }
        } else {
            Check.matches(tokenSha256, "tokenSha256", SHA256_HEX, "64 lower-case hex digits");
            if (publicKey != null) {
                throw new InvalidFieldException("publicKey", "a board authenticates by token, not by key");
            }
        }
        Check.required(labels, "labels");
        labels.forEach((k, v) -> {
            Check.matches(k, "labels", LABEL, "label keys of letters, digits and ._/- (at most 63)");
            Check.text(v, "labels." + k, Limits.NAME);
        });
        labels = Map.copyOf(labels);
        if (heartbeatTimeoutMs != null) {
            Check.positive(heartbeatTimeoutMs, "heartbeatTimeoutMs");
        }
        Check.nonNegative(updatedAt, "updatedAt");
        Check.nonBlank(updatedBy, "updatedBy", Limits.NAME);
    }

    public enum NodeKind {
        /** A desktop node running the agent (WebSocket, Ed25519). */
        AGENT,
        /** An ESP32 board (HTTP keep-alives, bearer token). */
        BOARD
    }
}
