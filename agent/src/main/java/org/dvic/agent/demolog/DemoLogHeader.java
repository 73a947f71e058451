package org.dvic.agent.demolog;

import org.dvic.protocol.json.JsonValues;
import org.dvic.protocol.json.ProtocolException;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The first line of a dvic_log file (client-libs/spec/FORMAT.md §2): who writes the file. Only the
 * keys the agent uses are kept; unknown keys are ignored, as the format allows.
 */
public record DemoLogHeader(String token, long pid, Long startTime, String exe, String user, Integer uid,
                            String language, String demo) {
    public static final int FORMAT_VERSION = 1;
    public static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");

    /** Parses a header line (without its newline); throws {@link MalformedLineException} saying why not. */
    public static DemoLogHeader parse(byte[] line, int off, int len) {
        Object parsed;
        try {
            parsed = JsonValues.parse(line, off, len);
        } catch (ProtocolException e) {
            throw new MalformedLineException("header is not valid JSON");
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new MalformedLineException("header is not a JSON object");
        }
        if (!(root.get("dvic_log") instanceof Long version)) {
            throw new MalformedLineException("header lacks dvic_log");
        }
        if (version != FORMAT_VERSION) {
            throw new MalformedLineException("unsupported dvic_log format " + version);
        }
        String token = text(root, "token", true);
        if (!TOKEN.matcher(token).matches()) {
            throw new MalformedLineException("header token is not 22 base64url characters");
        }
        if (!(root.get("pid") instanceof Long pid) || pid <= 0) {
            throw new MalformedLineException("header pid is not a positive integer");
        }
        Object start = root.get("start_time");
        Long startTime = null;
        if (start != null) {
            if (!(start instanceof Long s) || s < 0) {
                throw new MalformedLineException("header start_time is not an integer");
            }
            startTime = s;
        }
        Integer uid = root.get("uid") instanceof Long u && u >= 0 && u <= Integer.MAX_VALUE ? (Integer) u.intValue() : null;
        return new DemoLogHeader(token, pid, startTime, text(root, "exe", false), text(root, "user", false),
                uid, text(root, "language", false), text(root, "demo", false));
    }

    private static String text(Map<?, ?> root, String key, boolean required) {
        Object n = root.get(key);
        if (n == null) {
            if (required) {
                throw new MalformedLineException("header lacks " + key);
            }
            return null;
        }
        if (!(n instanceof String s)) {
            throw new MalformedLineException("header " + key + " is not a string");
        }
        return s;
    }
}
