package org.dvic.agent.spool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolTest {
    @TempDir
    Path dir;

    private static final Spool.DropNotice NOTICE = (dropped, first, last, seq) ->
            ("dropped " + dropped + " " + first + ".." + last).getBytes(StandardCharsets.UTF_8);

    private Spool open(long max, long segment) throws IOException {
        return new Spool(dir, max, segment, NOTICE);
    }

    private static LongFunction<byte[]> text(String s) {
        return seq -> (s + "#" + seq).getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<Spool.Entry> entries) {
        return entries.stream().map(e -> new String(e.payload(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void entriesGetConsecutiveSeqsAndAreReadBackInOrder() throws IOException {
        try (Spool spool = open(1 << 20, 4096)) {
            assertEquals(0, spool.append(text("a")));
            assertEquals(2, spool.appendAll(List.of(text("b"), text("c"))));

            List<Spool.Entry> all = spool.read(-1, 100, 1 << 20);

            assertEquals(List.of("a#0", "b#1", "c#2"), texts(all));
            assertEquals(List.of("c#2"), texts(spool.read(1, 100, 1 << 20)));
        }
    }

    @Test
    void aMakerReturningNullUsesNoSeq() throws IOException {
        try (Spool spool = open(1 << 20, 4096)) {
            spool.appendAll(List.of(text("a"), seq -> null, text("b")));

            assertEquals(List.of("a#0", "b#1"), texts(spool.read(-1, 100, 1 << 20)));
        }
    }

    @Test
    void anOversizedEntryIsSkippedWithoutLosingTheOthersOfItsWrite() throws IOException {
        try (Spool spool = open(8 << 20, 4096)) {
            long last = spool.appendAll(List.of(text("a"), seq -> new byte[Spool.MAX_PAYLOAD + 1], text("b")));

            assertEquals(1, last);
            assertEquals(List.of("a#0", "b#1"), texts(spool.read(-1, 100, 1 << 20)));
        }
    }

    @Test
    void readRespectsEntryAndByteLimitsButReturnsAtLeastOne() throws IOException {
        try (Spool spool = open(1 << 20, 4096)) {
            for (int i = 0; i < 10; i++) {
                spool.append(text("x".repeat(100)));
            }

            assertEquals(3, spool.read(-1, 3, 1 << 20).size());
            assertEquals(2, spool.read(-1, 100, 250).size());
            assertEquals(1, spool.read(-1, 100, 10).size());
        }
    }

    @Test
    void unackedEntriesAndSeqSurviveReopening() throws IOException {
        try (Spool spool = open(1 << 20, 256)) {
            for (int i = 0; i < 20; i++) {
                spool.append(text("e"));
            }
            spool.ack(11);
        }

        try (Spool spool = open(1 << 20, 256)) {
            List<Spool.Entry> left = spool.read(spool.acked(), 100, 1 << 20);

            assertEquals(11, spool.acked());
            assertEquals(12, left.get(0).seq());
            assertEquals(19, left.get(left.size() - 1).seq());
            assertEquals(20, spool.append(text("after")));
        }
    }

    @Test
    void seqStaysMonotonicWhenEverythingWasAckedAndDeleted() throws IOException {
        try (Spool spool = open(1 << 20, 256)) {
            for (int i = 0; i < 30; i++) {
                spool.append(text("e"));
            }
            spool.ack(29);
            assertEquals(0, spool.pending());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".seg")), "acked segments are deleted");
        }

        try (Spool spool = open(1 << 20, 256)) {
            assertEquals(30, spool.append(text("next")));
        }
    }

    @Test
    void theSegmentBeingWrittenOutlivesAnAckThatCoversItUntilItRolls() throws IOException {
        // Given a spool whose every entry is acked, as after each batch at steady state
        try (Spool spool = open(1 << 20, 1 << 16)) {
            for (int i = 0; i < 5; i++) {
                spool.append(text("e"));
            }
            spool.ack(4);
            // When more is written
            spool.append(text("f"));
            // Then it goes to the same file: no segment created and deleted per batch
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of("00000000000000000000.seg"), files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".seg")).toList());
            }
            assertEquals(List.of(5L), spool.read(4, 10, 1 << 20).stream().map(Spool.Entry::seq).toList());
        }
    }

    @Test
    void anAckedFileOfTheEarlierFormatIsRead() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("acked"), "7\n");
        try (Spool spool = open(1 << 20, 256)) {
            assertEquals(7, spool.acked());
            assertEquals(8, spool.append(text("e")));
            spool.ack(8);
        }
        try (Spool spool = open(1 << 20, 256)) {
            assertEquals(8, spool.acked());
        }
    }

    @Test
    void ackOfNCoversEverySeqUpToN() throws IOException {
        try (Spool spool = open(1 << 20, 128)) {
            for (int i = 0; i < 50; i++) {
                spool.append(text("e"));
            }

            spool.ack(37);

            assertEquals(12, spool.pending());
            assertEquals(38, spool.read(spool.acked(), 1, 1 << 20).get(0).seq());
        }
    }

    @Test
    void aTornLastRecordIsCutOffAtStartup() throws IOException {
        try (Spool spool = open(1 << 20, 1 << 20)) {
            for (int i = 0; i < 5; i++) {
                spool.append(text("e"));
            }
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3); // as after a power loss in the middle of the last write
        }

        try (Spool spool = open(1 << 20, 1 << 20)) {
            List<Spool.Entry> left = spool.read(-1, 100, 1 << 20);

            assertEquals(4, left.size());
            assertEquals(4, spool.append(text("again")), "the torn record's seq is given again");
            assertEquals(5, spool.read(-1, 100, 1 << 20).size());
        }
    }

    @Test
    void overflowDropsTheOldestAndTheNextAppendSaysHowMany() throws IOException {
        try (Spool spool = open(4096, 1024)) {
            for (int i = 0; i < 200; i++) {
                spool.append(text("payload-payload-payload"));
            }
            long dropped = spool.droppedTotal();
            assertTrue(dropped > 0, "something was dropped");
            assertTrue(spool.bytes() <= 4096 + 1024, "the spool stays near its bound: " + spool.bytes());

            List<Spool.Entry> all = new ArrayList<>();
            long after = -1;
            List<Spool.Entry> page;
            while (!(page = spool.read(after, 100, 1 << 20)).isEmpty()) {
                all.addAll(page);
                after = page.get(page.size() - 1).seq();
            }
            List<String> notices = texts(all).stream().filter(s -> s.startsWith("dropped")).toList();
            long reported = notices.stream().mapToLong(s -> Long.parseLong(s.split(" ")[1])).sum();
            long firstKept = all.stream().filter(e -> !new String(e.payload()).startsWith("dropped"))
                    .mapToLong(Spool.Entry::seq).min().orElseThrow();

            assertTrue(!notices.isEmpty(), "a drop notice was spooled");
            assertTrue(reported <= dropped && reported > 0, "notices report the drops: " + notices);
            assertTrue(firstKept > 0, "the oldest entries went first");
        }
    }

    @Test
    void ackedEntriesAreNotCountedAsDropped() throws IOException {
        try (Spool spool = open(4096, 1024)) {
            for (int i = 0; i < 200; i++) {
                long seq = spool.append(text("payload-payload-payload"));
                spool.ack(seq);
            }

            assertEquals(0, spool.droppedTotal());
        }
    }

    @Test
    void readContinuesAcrossSegmentsWhileAppendsGoOn() throws IOException {
        try (Spool spool = open(1 << 20, 300)) {
            long after = -1;
            List<Long> seen = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 7; i++) {
                    spool.append(text("r" + round));
                }
                List<Spool.Entry> page = spool.read(after, 5, 1 << 20);
                page.forEach(e -> seen.add(e.seq()));
                after = page.get(page.size() - 1).seq();
            }
            List<Spool.Entry> rest;
            while (!(rest = spool.read(after, 50, 1 << 20)).isEmpty()) {
                rest.forEach(e -> seen.add(e.seq()));
                after = rest.get(rest.size() - 1).seq();
            }

            assertEquals(140, seen.size());
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i, seen.get(i));
            }
        }
    }
}
