package org.dvic.relay.command;

import jakarta.inject.Singleton;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.identity.UpdateSignature;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.config.RelaySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;

/**
 * Signs agent updates with the relay's Ed25519 key ({@code dvic.relay.update-signing-key-file}: the
 * private key on the first line, the public key on the second, base64; created with mode 0600 at
 * first start when missing; every relay instance must use the same file). Agents get the public key
 * with their registration ({@code update.public-key}) and install nothing it did not sign. Without
 * the setting, update commands are refused.
 */
@Singleton
public final class UpdateSigner {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateSigner.class);

    private final PrivateKey key;
    private final String publicKey;

    public UpdateSigner(RelaySettings settings) {
        String file = settings.getUpdateSigningKeyFile();
        if (file == null || file.isBlank()) {
            key = null;
            publicKey = null;
            return;
        }
        try {
            Path path = Path.of(file);
            if (!Files.exists(path)) {
                KeyPair pair = NodeKeys.generate();
                if (path.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(path.toAbsolutePath().getParent());
                }
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(path, NodeKeys.encodePrivate(pair.getPrivate()) + "\n"
                        + NodeKeys.encodePublic(pair.getPublic()) + "\n", StandardCharsets.US_ASCII);
                LOG.info("created the update signing key {}", path);
            }
            List<String> lines = Files.readAllLines(path, StandardCharsets.US_ASCII);
            if (lines.size() < 2) {
                throw new IllegalStateException("dvic.relay.update-signing-key-file " + path
                        + ": expected the private key and the public key on two lines");
            }
            key = NodeKeys.decodePrivate(lines.get(0).trim());
            publicKey = lines.get(1).trim();
            NodeKeys.decodePublic(publicKey);
        } catch (IOException e) {
            throw new UncheckedIOException("dvic.relay.update-signing-key-file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The public key agents verify updates with, or null when updates are not configured. */
    public String publicKey() {
        return publicKey;
    }

    /** The signature of this update; 409 {@code updates_not_configured} without a signing key. */
    public String sign(String version, String sha256) {
        if (key == null) {
            throw ApiException.conflict("updates_not_configured",
                    "agent updates need dvic.relay.update-signing-key-file on the relay");
        }
        return UpdateSignature.sign(key, version, sha256);
    }
}
