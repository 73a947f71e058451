package org.dvic.bench.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM flags and environment of the agent's systemd unit ({@code agent/install/dvic-agent.service}),
 * so the benchmark measures the agent exactly as it is installed, not a copy that can drift. Only
 * {@code -Djava.io.tmpdir} is left out: the unit's directory exists on installed nodes only.
 */
record InstalledUnit(List<String> jvmFlags, Map<String, String> environment) {

    static InstalledUnit read(Path unitFile) throws IOException {
        String text = Files.readString(unitFile).replace("\\\n", " ");
        List<String> flags = null;
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.startsWith("ExecStart=")) {
                List<String> words = List.of(line.substring("ExecStart=".length()).trim().split("\\s+"));
                int jar = words.indexOf("-jar");
                if (jar < 1) {
                    throw new IllegalStateException(unitFile + ": ExecStart has no 'java ... -jar'");
                }
                flags = new ArrayList<>(words.subList(1, jar));
                flags.removeIf(f -> f.startsWith("-Djava.io.tmpdir="));
            } else if (line.startsWith("Environment=")) {
                for (String pair : line.substring("Environment=".length()).trim().split("\\s+")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        env.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        }
        if (flags == null) {
            throw new IllegalStateException(unitFile + ": no ExecStart line");
        }
        return new InstalledUnit(List.copyOf(flags), Map.copyOf(env));
    }
}
