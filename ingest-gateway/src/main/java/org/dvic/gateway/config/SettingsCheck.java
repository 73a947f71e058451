package org.dvic.gateway.config;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.exceptions.ConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses to start on an unknown {@code dvic.gateway.*} key, so a misspelt setting (say
 * {@code DVIC_GATEWAY_MAX_FRAME_BYTE}) does not silently leave its default in force. Environment
 * variables are checked by name, other sources key by key. ({@code dvic.kafka.*} and
 * {@code dvic.topics.*} are shared by every service's environment, so other services' keys may be there.)
 */
@Context
public class SettingsCheck {
    static final Map<String, Set<String>> KNOWN = Map.of(
            "dvic.gateway", Set.of("id", "max-frame-bytes", "max-body-bytes", "events-per-second", "event-burst",
                    "board-requests-per-second", "board-burst", "max-clock-skew", "max-pending-batches-per-socket",
                    "max-in-flight-records", "board-commands-per-reply", "board-command-queue", "undeliverable-grace",
                    "shutdown-grace", "rejected-per-second", "excerpt-chars"));

    public SettingsCheck(Environment environment) {
        List<String> unknown = unknown(System.getenv(), environment.getPropertySources());
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("unknown setting(s) " + unknown + "; known keys are listed in "
                    + "ingest-gateway/README.md");
        }
    }

    static List<String> unknown(Map<String, String> env, Iterable<PropertySource> sources) {
        Set<String> found = new TreeSet<>();
        for (String name : env.keySet()) {
            for (var e : KNOWN.entrySet()) {
                String prefix = e.getKey().toUpperCase(Locale.ROOT).replace('.', '_') + "_";
                if (name.startsWith(prefix)) {
                    String key = name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
                    if (!e.getValue().contains(key)) {
                        found.add(name);
                    }
                }
            }
        }
        for (PropertySource source : sources) {
            if (source.getName().equals("env")) {
                continue; // expanded variants of the variables checked above
            }
            for (String key : source) {
                for (var e : KNOWN.entrySet()) {
                    if (key.startsWith(e.getKey() + ".") && !e.getValue().contains(key.substring(e.getKey().length() + 1))) {
                        found.add(key);
                    }
                }
            }
        }
        return new ArrayList<>(found);
    }
}
