package org.dvic.relay.auth;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.relay.config.RelaySettings;
import org.dvic.store.OperatorRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * At start-up, while no admin exists: the first instance to insert the setup row (a Cassandra
 * lightweight transaction, so exactly one across instances) prints a fresh one-time token; the
 * others say where it was printed. Only the token's SHA-256 is stored. The token is printed on
 * standard output once, never through the logger, and dies when the first admin is created.
 */
@Context
@Requires(property = "dvic.relay.setup.print-token", notEquals = "false")
public final class SetupToken {
    private static final Logger LOG = LoggerFactory.getLogger(SetupToken.class);

    public SetupToken(OperatorRepository repo, RelaySettings settings, org.dvic.relay.config.SettingsCheck checked) {
        var existing = repo.setup();
        if (existing.isPresent() && existing.get().completed()) {
            return;
        }
        if (existing.isEmpty()) {
            String token = BoardTokens.generate(new SecureRandom());
            if (repo.createSetup(BoardTokens.sha256Hex(token), System.currentTimeMillis(), settings.getId())) {
                System.out.println();
                System.out.println("==================================================================");
                System.out.println(" DVIC first start: create the first admin in the dashboard with");
                System.out.println(" this one-time setup token (it is not stored and not shown again):");
                System.out.println();
                System.out.println("   " + token);
                System.out.println();
                System.out.println("==================================================================");
                System.out.println();
                System.out.flush();
                return;
            }
            existing = repo.setup();
        }
        existing.ifPresent(s -> LOG.warn("first-admin setup is pending: use the setup token printed by relay '{}' at {}",
                s.createdBy(), Instant.ofEpochMilli(s.createdAt())));
    }
}
