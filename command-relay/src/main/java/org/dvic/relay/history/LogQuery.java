package org.dvic.relay.history;

import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.relay.api.ApiException;
import org.dvic.store.LogRepository;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A page of a node's logs across sources, newest first, filtered by level and text. Each source is
 * read up to a scan cap; when a source hits the cap, lines older than its oldest read line are left
 * for the next page, so merging never skips a line. The cursor is the position (ts, seq, source)
 * of the last line returned.
 */
final class LogQuery {
    static final Comparator<LogRecord> NEWEST_FIRST = Comparator.comparingLong(LogRecord::ts).reversed()
            .thenComparing(Comparator.comparingLong(LogRecord::seq).reversed())
            .thenComparing(LogRecord::source);
    private static final int SCAN_CAP = 5000;

    record Cursor(long ts, long seq, String source) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((ts + ":" + seq + ":" + source).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String text) {
            if (text == null || text.isEmpty()) {
                return null;
            }
            try {
                String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                String[] parts = s.split(":", 3);
                return new Cursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]);
            } catch (RuntimeException e) {
                throw ApiException.invalid("cursor", "not a cursor of this API");
            }
        }

        /** True when the line comes after (is older than) this position. */
        boolean before(LogRecord l) {
            if (l.ts() != ts) {
                return l.ts() < ts;
            }
            if (l.seq() != seq) {
                return l.seq() < seq;
            }
            return l.source().compareTo(source) > 0;
        }
    }

    record Page(List<LogRecord> lines, Cursor next) {
    }

    private LogQuery() {
    }

    static Page page(LogRepository repo, UUID nodeId, List<String> sources, long from, long to, LogLevel minLevel,
                     String text, int limit, Cursor cursor) {
        long upper = cursor == null ? to : Math.min(to, cursor.ts());
        if (upper < from) {
            return new Page(List.of(), null);
        }
        String needle = text == null || text.isEmpty() ? null : text.toLowerCase(Locale.ROOT);
        List<LogRecord> merged = new ArrayList<>();
        long cutoff = Long.MIN_VALUE; // lines at or below this ts may be incomplete
        for (String source : sources) {
            List<LogRecord> read = repo.range(nodeId, source, from, upper, SCAN_CAP);
            if (read.size() >= SCAN_CAP) {
                cutoff = Math.max(cutoff, read.get(read.size() - 1).ts());
            }
            for (LogRecord l : read) {
                if (cursor != null && !cursor.before(l)) {
                    continue;
                }
                if (minLevel != null && l.level().compareTo(minLevel) < 0) {
                    continue;
                }
                if (needle != null && !contains(l, needle)) {
                    continue;
                }
                merged.add(l);
            }
        }
        merged.sort(NEWEST_FIRST);
        boolean truncated = cutoff != Long.MIN_VALUE;
        if (truncated) {
            final long c = cutoff;
            List<LogRecord> safe = merged.stream().filter(l -> l.ts() > c).toList();
            // Progress even when one instant holds more lines than the scan cap.
            merged = safe.isEmpty() ? merged : new ArrayList<>(safe);
        }
        if (merged.size() > limit) {
            List<LogRecord> page = merged.subList(0, limit);
            LogRecord last = page.get(page.size() - 1);
            return new Page(List.copyOf(page), new Cursor(last.ts(), last.seq(), last.source()));
        }
        if (truncated) {
            Cursor next = merged.isEmpty() ? new Cursor(cutoff, Long.MAX_VALUE, "")
                    : new Cursor(merged.get(merged.size() - 1).ts(), merged.get(merged.size() - 1).seq(),
                    merged.get(merged.size() - 1).source());
            return new Page(List.copyOf(merged), next);
        }
        return new Page(List.copyOf(merged), null);
    }

    private static boolean contains(LogRecord l, String needle) {
        return l.message().toLowerCase(Locale.ROOT).contains(needle)
                || (l.exception() != null && l.exception().toLowerCase(Locale.ROOT).contains(needle));
    }
}
