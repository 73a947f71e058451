package org.dvic.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvicLoggerTest {
    @TempDir
    Path dir;

    /** FileChannel writes until told to fail like a full disk, or to block. */
    static final class SwitchableWrite implements WriteOperation {
        volatile boolean fail;
        volatile int partialThenFail = -1;
        volatile CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public int write(FileChannel channel, ByteBuffer data) throws IOException {
            CountDownLatch g = gate;
            if (g != null) {
                entered.countDown();
                try {
                    g.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            if (partialThenFail >= 0) {
                ByteBuffer part = data.duplicate();
                part.limit(part.position() + partialThenFail);
                partialThenFail = -1;
                fail = true;
                int n = channel.write(part);
                data.position(data.position() + n);
                return n;
            }
            if (fail) {
                throw new IOException("No space left on device");
            }
            return channel.write(data);
        }
    }

    @Test
    void headerDescribesTheProcessInAPrivateFileNamedByToken() throws IOException {
        DvicLogger logger = DvicLogger.builder().dir(dir).build();
        logger.close();
        String name = logger.path().getFileName().toString();
        assertTrue(name.matches("dvic_log_[A-Za-z0-9_-]{22}"), name);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(logger.path())));
        JsonNode header = TestFiles.JSON.readTree(TestFiles.lines(logger.path()).get(0));
        List<String> keys = new ArrayList<>();
        header.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("dvic_log", "token", "pid"), keys.subList(0, 3));
        assertEquals(name.substring("dvic_log_".length()), header.get("token").asText());
        assertEquals(ProcessHandle.current().pid(), header.get("pid").asLong());
        assertEquals(ProcessHeader.startTicks(), header.get("start_time").asLong());
        assertEquals("java", header.get("language").asText());
        assertFalse(header.has("demo"));
    }

    @Test
    void invalidLevelIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Level.parse("NOTICE"));
        assertTrue(e.getMessage().startsWith("invalid dvic_log level \"NOTICE\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DvicLogger.fields("odd"));
    }

    @Test
    void exceptionIsRecordedAndCallsAfterCloseAreRefused() {
        DvicLogger logger = DvicLogger.builder().dir(dir).build();
        logger.error("lookup failed", DvicLogger.fields("servo", 9), new IllegalStateException("no servo 9"));
        logger.close();
        assertFalse(logger.info("late"));
        JsonNode record = TestFiles.records(logger.path()).get(0);
        assertEquals("java.lang.IllegalStateException", record.get("exc").get("type").asText());
        assertTrue(record.get("exc").get("stack").asText().contains("DvicLoggerTest"));
        assertEquals(9, record.get("fields").get("servo").asInt());
    }

    @Test
    void manyThreadsLoseAndInterleaveNothing() throws InterruptedException {
        // Given a logger with room for everything
        DvicLogger logger = DvicLogger.builder().dir(dir).bufferBytes(64L << 20).build();
        int threads = 8;
        int perThread = 5000;
        // When eight threads log at once
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    logger.info("line", DvicLogger.fields("t", id, "i", i));
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) {
            w.join();
        }
        logger.close();
        // Then every line is whole and each thread's lines are in order
        Map<Integer, List<Integer>> seen = new HashMap<>();
        for (JsonNode r : TestFiles.records(logger.path())) {
            seen.computeIfAbsent(r.get("fields").get("t").asInt(), k -> new ArrayList<>()).add(r.get("fields").get("i").asInt());
        }
        List<Integer> all = Stream.iterate(0, i -> i + 1).limit(perThread).toList();
        assertEquals(threads, seen.size());
        seen.values().forEach(is -> assertEquals(all, is));
    }

    @Test
    void rotationMovesTheFullFileToDot1AndStartsANewOneWithTheHeader() throws IOException {
        DvicLogger logger = DvicLogger.builder().dir(dir).maxFileBytes(2000).build();
        for (int i = 0; i < 100; i++) {
            logger.info(String.format("line %03d", i));
        }
        logger.close();
        Path previous = logger.path().resolveSibling(logger.path().getFileName() + ".1");
        assertEquals(TestFiles.lines(previous).get(0), TestFiles.lines(logger.path()).get(0));
        assertTrue(Files.size(logger.path()) <= 2000 && Files.size(previous) <= 2000);
        assertTrue(Files.size(previous) > 2000 - 80, "rotated only when the next line did not fit");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
        List<Integer> numbers = new ArrayList<>();
        for (Path p : List.of(previous, logger.path())) {
            TestFiles.records(p).forEach(r -> numbers.add(Integer.parseInt(r.get("msg").asText().substring(5))));
        }
        assertEquals(Stream.iterate(numbers.get(0), i -> i + 1).limit(100 - numbers.get(0)).toList(), numbers);
    }

    @Test
    void fullDiskCountsFailedWritesAndReportsThemWhenWritingWorksAgain() {
        SwitchableWrite write = new SwitchableWrite();
        DvicLogger logger = DvicLogger.builder().dir(dir).write(write).build();
        // Given a disk that fills up
        write.fail = true;
        for (int i = 0; i < 5; i++) {
            logger.info("lost " + i);
        }
        // When the flush fails, nothing is thrown and the lines are counted
        logger.flush();
        assertArrayEquals(new long[] {0, 5}, logger.dropped());
        // Then after space comes back the report precedes the next lines
        write.fail = false;
        logger.info("back");
        logger.close();
        List<JsonNode> records = TestFiles.records(logger.path());
        assertEquals(2, records.size());
        assertEquals("dvic_log dropped 5 lines", records.get(0).get("msg").asText());
        assertEquals("WARN", records.get(0).get("level").asText());
        assertEquals("{\"dvic_dropped\":5,\"buffer_full\":0,\"write_failed\":5}", records.get(0).get("fields").toString());
        assertEquals("back", records.get(1).get("msg").asText());
        assertArrayEquals(new long[] {0, 0}, logger.dropped());
    }

    @Test
    void aWriteCutShortLeavesTheFragmentOnItsOwnLine() throws IOException {
        SwitchableWrite write = new SwitchableWrite();
        DvicLogger logger = DvicLogger.builder().dir(dir).write(write).build();
        write.partialThenFail = 10;
        logger.info("first");
        logger.info("second");
        logger.flush();
        assertArrayEquals(new long[] {0, 2}, logger.dropped());
        write.fail = false;
        logger.info("third");
        logger.close();
        List<String> lines = Files.readAllLines(logger.path(), StandardCharsets.UTF_8);
        assertEquals("{\"ts\":\"202", lines.get(1));
        assertEquals(2, TestFiles.JSON.readTree(lines.get(2)).get("fields").get("write_failed").asInt());
        assertEquals("third", TestFiles.JSON.readTree(lines.get(3)).get("msg").asText());
    }

    @Test
    void anUncreatableFileDropsAndCountsWithoutThrowing() {
        DvicLogger logger = DvicLogger.builder().dir(dir.resolve("missing")).build();
        assertTrue(logger.info("nowhere to go"));
        logger.flush();
        assertArrayEquals(new long[] {0, 1}, logger.dropped());
        logger.close();
    }

    @Test
    void aFullBufferDropsCountsAndReports() throws InterruptedException {
        SwitchableWrite write = new SwitchableWrite();
        DvicLogger logger = DvicLogger.builder().dir(dir).write(write).bufferBytes(1000)
                .clock(() -> 1_795_341_600_000L).build();
        // Given the flusher stuck in a slow write
        CountDownLatch release = new CountDownLatch(1);
        write.gate = release;
        logger.info("in flight");
        assertTrue(write.entered.await(5, TimeUnit.SECONDS));
        // When more is logged than the buffer holds
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            accepted += logger.info(String.format("line %03d", i)) ? 1 : 0;
        }
        // Then the surplus is dropped, counted, and reported once the write completes
        int lineBytes = "{\"ts\":\"2026-11-22T10:00:00.000Z\",\"level\":\"INFO\",\"msg\":\"line 000\"}\n".length();
        assertEquals(1000 / lineBytes, accepted);
        assertArrayEquals(new long[] {100 - accepted, 0}, logger.dropped());
        write.gate = null;
        release.countDown();
        logger.close();
        List<JsonNode> records = TestFiles.records(logger.path());
        assertEquals("in flight", records.get(0).get("msg").asText());
        assertEquals(100 - accepted, records.get(1).get("fields").get("buffer_full").asInt());
        assertEquals(2 + accepted, records.size());
    }

    @Test
    void anInterruptedFlushDoesNotLoseTheFileForLaterLines() {
        DvicLogger logger = DvicLogger.builder().dir(dir).build();
        logger.info("before");
        Thread.currentThread().interrupt();
        logger.flush(); // NIO closes the channel of an interrupted writer
        Thread.interrupted();
        logger.info("after");
        logger.close();
        List<String> messages = TestFiles.records(logger.path()).stream().map(r -> r.get("msg").asText()).toList();
        assertTrue(messages.contains("after"), messages.toString());
        assertEquals(1, TestFiles.lines(logger.path()).stream().filter(l -> l.startsWith("{\"dvic_log\"")).count());
    }
}
