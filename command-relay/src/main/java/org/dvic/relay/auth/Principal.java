package org.dvic.relay.auth;

/** The operator behind a request or socket, as the session says and the operators table confirms. */
public record Principal(String username, Role role, long credentialsVersion, long expiresAt) {
}
