package org.dvic.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reading log files back in tests. */
final class TestFiles {
    static final ObjectMapper JSON = new ObjectMapper();

    // FORMAT.md §10: header values that vary by process and library.
    private static final Pattern MASK = Pattern.compile(
            "\"(token|pid|start_time|started_at|exe|argv|user|uid|hostname|language|library_version)\":"
                    + "(\"(?:[^\"\\\\]|\\\\.)*\"|\\[(?:\"(?:[^\"\\\\]|\\\\.)*\"|[^\\]\"])*\\]|-?[0-9]+|null)");

    private TestFiles() {
    }

    static String maskHeader(String line) {
        return MASK.matcher(line).replaceAll("\"$1\":\"*\"");
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parsed lines of a log file, header excluded. */
    static List<JsonNode> records(Path file) {
        List<JsonNode> out = new ArrayList<>();
        List<String> all = lines(file);
        for (String line : all.subList(1, all.size())) {
            try {
                out.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
