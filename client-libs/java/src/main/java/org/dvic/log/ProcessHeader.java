package org.dvic.log;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The facts of the header line (FORMAT.md §2). */
final class ProcessHeader {
    static final String LIBRARY_VERSION = "0.1.0";

    private ProcessHeader() {
    }

    /** 16 random bytes as base64url without padding: 22 characters. */
    static String newToken() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] encode(String token, String demo) {
        ProcessHandle self = ProcessHandle.current();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("dvic_log", 1);
        info.put("token", token);
        info.put("pid", self.pid());
        info.put("start_time", startTicks());
        info.put("started_at", LineFormat.formatTs(self.info().startInstant().orElseGet(Instant::now).toEpochMilli()));
        info.put("exe", exe(self));
        info.put("argv", argv(self));
        info.put("user", System.getProperty("user.name"));
        info.put("uid", uid());
        info.put("hostname", hostname());
        info.put("language", "java");
        info.put("library_version", LIBRARY_VERSION);
        if (demo != null) {
            info.put("demo", demo);
        }
        return LineFormat.header(info);
    }

    /** Field 22 of /proc/self/stat, or null without /proc. */
    static Long startTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.ISO_8859_1);
            // comm (field 2) may contain spaces and ')': split after the last ')'.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[19]); // rest starts at field 3
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String exe(ProcessHandle self) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/exe")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return self.info().command().orElse(null);
        }
    }

    private static List<String> argv(ProcessHandle self) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            // The UTF-8 decoder replaces invalid sequences with U+FFFD, as FORMAT.md asks.
            String all = new String(cmdline, StandardCharsets.UTF_8);
            if (all.endsWith("\0")) {
                all = all.substring(0, all.length() - 1);
            }
            return List.of(all.split("\0", -1));
        } catch (IOException e) {
            List<String> args = new ArrayList<>();
            self.info().command().ifPresent(args::add);
            self.info().arguments().ifPresent(a -> args.addAll(List.of(a)));
            return args;
        }
    }

    /** Effective uid: the owner of /proc/self. */
    private static Integer uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "unknown";
            }
        }
    }
}
