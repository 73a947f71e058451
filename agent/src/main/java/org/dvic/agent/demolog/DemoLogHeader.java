package org.dvic.agent.demolog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
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
    public static DemoLogHeader parse(ObjectMapper mapper, byte[] line, int off, int len) {
        JsonNode root;
        try {
            root = mapper.readTree(line, off, len);
        } catch (IOException e) {
            throw new MalformedLineException("header is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedLineException("header is not a JSON object");
        }
        JsonNode version = root.get("dvic_log");
        if (version == null || !version.isIntegralNumber()) {
            throw new MalformedLineException("header lacks dvic_log");
        }
        if (version.asLong() != FORMAT_VERSION) {
            throw new MalformedLineException("unsupported dvic_log format " + version.asLong());
        }
        String token = text(root, "token", true);
        if (!TOKEN.matcher(token).matches()) {
            throw new MalformedLineException("header token is not 22 base64url characters");
        }
        JsonNode pid = root.get("pid");
        if (pid == null || !pid.isIntegralNumber() || pid.asLong() <= 0) {
            throw new MalformedLineException("header pid is not a positive integer");
        }
        JsonNode start = root.get("start_time");
        Long startTime = null;
        if (start != null && !start.isNull()) {
            if (!start.isIntegralNumber() || start.asLong() < 0) {
                throw new MalformedLineException("header start_time is not an integer");
            }
            startTime = start.asLong();
        }
        JsonNode uid = root.get("uid");
        return new DemoLogHeader(token, pid.asLong(), startTime, text(root, "exe", false), text(root, "user", false),
                uid != null && uid.isIntegralNumber() ? uid.asInt() : null, text(root, "language", false),
                text(root, "demo", false));
    }

    private static String text(JsonNode root, String key, boolean required) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                throw new MalformedLineException("header lacks " + key);
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new MalformedLineException("header " + key + " is not a string");
        }
        return n.textValue();
    }
}
