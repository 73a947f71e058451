package org.dvic.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A service may print a notice for the person starting it between two lines of {@code =====}
 * (the relay's one-time setup token at first start). Its output goes to its log file; the start
 * command shows such notices on the console too.
 */
final class Notices {
    private Notices() {
    }

    static void relay(Path log, PrintStream out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            return;
        }
        boolean inside = false;
        for (String line : lines) {
            boolean rule = line.startsWith("=====");
            if (rule || inside) {
                out.println("        " + line);
            }
            if (rule) {
                inside = !inside;
            }
        }
    }
}
