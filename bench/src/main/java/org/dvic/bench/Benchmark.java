package org.dvic.bench;

/** One benchmark: measures what a service exists for, against the baselines taken in the same run. */
public interface Benchmark {
    /** The name on the command line and of the results file. */
    String name();

    /** Runs and returns the figures; the runner writes them to {@code bench/results/<name>.json}. */
    BenchResult run(BenchContext context) throws Exception;
}
