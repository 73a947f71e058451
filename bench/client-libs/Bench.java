import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dvic.log.DvicLogger;

/**
 * Java dvic_log benchmark: one JSON result per line on stdout. Repetitions run in one JVM,
 * so later ones are JIT-warm, as in a long-running demo.
 * usage: java Bench throughput THREADS LINES_PER_THREAD REPS DIR | call SAMPLES REPS DIR
 */
public final class Bench {
    private static final long NO_ROTATION = 1L << 40; // the count of written lines must see every line

    public static void main(String[] args) throws Exception {
        if (args[0].equals("throughput")) {
            for (int r = 0; r < Integer.parseInt(args[3]); r++) {
                throughput(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[4]));
            }
        } else {
            for (int r = 0; r < Integer.parseInt(args[2]); r++) {
                callMedian(Integer.parseInt(args[1]), Path.of(args[3]));
            }
        }
        System.exit(0);
    }

    private static void throughput(int threads, int perThread, Path dir) throws Exception {
        long start = System.nanoTime();
        DvicLogger logger = DvicLogger.builder().dir(dir).demo("bench").maxFileBytes(NO_ROTATION).build();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    logger.info("bench line", DvicLogger.fields("t", id, "i", i));
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) {
            w.join();
        }
        logger.close(); // includes writing everything that was accepted
        double seconds = (System.nanoTime() - start) / 1e9;
        long written = 0;
        long dropped = Arrays.stream(logger.dropped()).sum();
        try (BufferedReader in = Files.newBufferedReader(logger.path())) {
            in.readLine(); // header
            String report = "\"msg\":\"dvic_log dropped ";
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int at = line.indexOf(report);
                if (at < 0) {
                    written++;
                } else {
                    String rest = line.substring(at + report.length());
                    dropped += Long.parseLong(rest.substring(0, rest.indexOf(' ')));
                }
            }
        }
        Files.delete(logger.path());
        System.out.printf("{\"threads\":%d,\"lines\":%d,\"dropped\":%d,\"seconds\":%.6f,\"lines_per_s\":%.1f}%n",
                threads, written, dropped, seconds, written / seconds);
    }

    /** Median over batches of 100 calls, divided by 100: keeps the timer's own cost out. */
    private static void callMedian(int samples, Path dir) throws IOException {
        DvicLogger logger = DvicLogger.builder().dir(dir).maxFileBytes(NO_ROTATION).bufferBytes(64L << 20).build();
        for (int i = 0; i < 20000; i++) {
            logger.info("warm up", DvicLogger.fields("i", i));
        }
        double[] batches = new double[samples / 100];
        for (int b = 0; b < batches.length; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                logger.info("bench line", DvicLogger.fields("t", 0, "i", i));
            }
            batches[b] = (System.nanoTime() - start) / 100.0;
        }
        logger.close();
        Files.delete(logger.path());
        Arrays.sort(batches);
        System.out.printf("{\"call_median_ns\":%.1f}%n", batches[batches.length / 2]);
    }
}
