package org.dvic.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets the local stack hands its services (e.g. the relay's session key). Services have no
 * default secrets; on this one machine the start command makes a random one per state folder, once,
 * and keeps it in a file only its owner can read, so sessions survive a restart of the stack.
 */
final class Secrets {
    private Secrets() {
    }

    static String get(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret);
        return secret;
    }
}
