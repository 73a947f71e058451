package org.dvic.gateway.reject;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Makes refused input safe to keep: decoded leniently (bad bytes become U+FFFD), credentials
 * replaced by {@code [redacted]}, control characters escaped, truncated.
 */
public final class Redaction {
    private static final Pattern SECRETS = Pattern.compile(
            "dvic1\\.[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*)?"                       // connect tokens
                    + "|(?i)(bearer\\s+)[^\\s\"',}]+"                              // bearer credentials
                    + "|(?i)(\"(?:token|password|secret|privateKey|authorization)\"\\s*:\\s*\")[^\"]*"
                    + "|MC4CAQAwBQYDK2Vw[A-Za-z0-9+/=]*");                         // a PKCS#8 Ed25519 private key

    private Redaction() {
    }

    public static String excerpt(byte[] input, int maxChars) {
        if (input == null) {
            return "";
        }
        int take = Math.min(input.length, maxChars * 4 + 16);
        String text = decodeLeniently(input, take);
        return excerpt(text, maxChars);
    }

    public static String excerpt(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        String head = text.length() > maxChars * 2 ? text.substring(0, maxChars * 2) : text;
        String redacted = SECRETS.matcher(head).replaceAll(m -> {
            if (m.group(2) != null) {
                return java.util.regex.Matcher.quoteReplacement(m.group(2) + "[redacted]");
            }
            if (m.group(3) != null) {
                return java.util.regex.Matcher.quoteReplacement(m.group(3) + "[redacted]");
            }
            return "[redacted]";
        });
        StringBuilder sb = new StringBuilder(Math.min(redacted.length(), maxChars));
        for (int i = 0; i < redacted.length() && sb.length() < maxChars; i++) {
            char c = redacted.charAt(i);
            if (c < 0x20 && c != '\t') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() > maxChars) {
            sb.setLength(maxChars);
        }
        if (sb.length() < text.length() && sb.length() >= maxChars - 1) {
            sb.setLength(Math.max(0, maxChars - 1));
            sb.append('…');
        }
        return sb.toString();
    }

    /**
     * True if the bytes are well-formed UTF-8 (no overlong forms, no surrogates, nothing above
     * U+10FFFF). A plain loop with an ASCII fast path: it runs on every frame, so it allocates nothing.
     */
    public static boolean validUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            if (c >= 0xC2 && c <= 0xDF) {
                if (i + 1 >= n || (b[i + 1] & 0xC0) != 0x80) {
                    return false;
                }
                i += 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                if (i + 2 >= n) {
                    return false;
                }
                int c1 = b[i + 1] & 0xff;
                if ((c1 & 0xC0) != 0x80 || (b[i + 2] & 0xC0) != 0x80
                        || (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) {
                    return false;
                }
                i += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (i + 3 >= n) {
                    return false;
                }
                int c1 = b[i + 1] & 0xff;
                if ((c1 & 0xC0) != 0x80 || (b[i + 2] & 0xC0) != 0x80 || (b[i + 3] & 0xC0) != 0x80
                        || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static String decodeLeniently(byte[] input, int length) {
        return new String(input, 0, length, StandardCharsets.UTF_8);
    }
}
