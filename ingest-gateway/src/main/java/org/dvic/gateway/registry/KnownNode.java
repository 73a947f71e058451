package org.dvic.gateway.registry;

import org.dvic.protocol.event.RegistryEntry;

import java.security.PublicKey;

/** A registry entry with its public key decoded once (agents); boards carry only their token hash. */
public record KnownNode(RegistryEntry entry, PublicKey publicKey) {
    public boolean revoked() {
        return entry.revoked();
    }

    public boolean isAgent() {
        return entry.kind() == RegistryEntry.NodeKind.AGENT;
    }

    public boolean isBoard() {
        return entry.kind() == RegistryEntry.NodeKind.BOARD;
    }
}
