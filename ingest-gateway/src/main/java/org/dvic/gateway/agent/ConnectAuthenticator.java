package org.dvic.gateway.agent;

import jakarta.inject.Singleton;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.gateway.registry.KnownNode;
import org.dvic.gateway.registry.NodeRegistry;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.identity.InvalidTokenException;
import org.dvic.protocol.identity.InvalidTokenException.Reason;

import java.time.Clock;
import java.time.Duration;

/**
 * Checks an agent's connect token: well-formed, a node of the registry that is an agent and not
 * revoked, a signature that verifies with its key, a time within the allowed skew, and a nonce
 * not seen before (per gateway instance; the skew window bounds a cross-instance replay).
 */
@Singleton
public final class ConnectAuthenticator {
    private final NodeRegistry registry;
    private final Duration maxSkew;
    private final NonceMemory nonces;
    private final Clock clock;

    public ConnectAuthenticator(NodeRegistry registry, GatewaySettings settings) {
        this(registry, settings.getMaxClockSkew(), Clock.systemUTC());
    }

    ConnectAuthenticator(NodeRegistry registry, Duration maxSkew, Clock clock) {
        this.registry = registry;
        this.maxSkew = maxSkew;
        this.nonces = new NonceMemory(maxSkew);
        this.clock = clock;
    }

    public KnownNode authenticate(String token) throws InvalidTokenException {
        ConnectToken claims = ConnectToken.parse(token);
        KnownNode node = registry.find(claims.nodeId());
        if (node == null || !node.isAgent()) {
            throw new InvalidTokenException(Reason.UNKNOWN_NODE, "no agent " + claims.nodeId() + " in the registry");
        }
        if (node.revoked()) {
            throw new InvalidTokenException(Reason.REVOKED, "node " + claims.nodeId() + " is revoked");
        }
        var now = clock.instant();
        ConnectToken.verify(token, node.publicKey(), now, maxSkew);
        if (!nonces.firstUse(claims.nodeId() + "/" + claims.nonce(), now.toEpochMilli())) {
            throw new InvalidTokenException(Reason.REPLAYED, "this token was already used");
        }
        return node;
    }
}
