package org.dvic.gateway.config;

import java.util.List;
import java.util.Map;

/** Test access to the package-private check. */
public final class SettingsCheckAccess {
    private SettingsCheckAccess() {
    }

    public static List<String> unknown(Map<String, String> env) {
        return SettingsCheck.unknown(env, List.of());
    }
}
