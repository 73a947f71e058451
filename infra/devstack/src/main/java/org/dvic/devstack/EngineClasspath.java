package org.dvic.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The runtime classpath of an engine (Kafka, Cassandra), recorded at build time by the
 * {@code infra/engines/*} modules as the resource {@code dvic-engines/<name>.classpath}.
 */
final class EngineClasspath {
    private EngineClasspath() {
    }

    static String of(String engine) {
        String resource = "dvic-engines/" + engine + ".classpath";
        try (InputStream in = EngineClasspath.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the classpath: build infra/engines/" + engine
                        + " first (mvn install from the repository root)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            String missing = Arrays.stream(classpath.split(java.io.File.pathSeparator))
                    .filter(p -> !Files.exists(Path.of(p))).findFirst().orElse(null);
            if (missing != null) {
                throw new IllegalStateException(engine + " classpath names a missing jar " + missing
                        + ": rebuild infra/engines/" + engine);
            }
            return classpath;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /** The first jar on the classpath whose file name starts with {@code prefix}. */
    static String jar(String classpath, String prefix) {
        return Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(p -> Path.of(p).getFileName().toString().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + prefix + "*.jar on the engine classpath"));
    }
}
