"""Python dvic_log benchmark: one JSON result per line on stdout.

usage: bench_python.py throughput THREADS LINES_PER_THREAD REPS DIR
       bench_python.py call SAMPLES REPS DIR
"""

import json
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "client-libs", "python", "src"))
from dvic_log import Logger  # noqa: E402

NO_ROTATION = 1 << 40  # the count of written lines must see every line


def count(path):
    """(lines written, lines dropped as reported) of one log file."""
    written = dropped = 0
    with open(path, "rb") as f:
        next(f)  # header
        for line in f:
            if b'"msg":"dvic_log dropped ' in line:
                dropped += json.loads(line)["fields"]["dvic_dropped"]
            else:
                written += 1
    return written, dropped


def throughput(threads, per_thread, directory):
    logger = Logger(directory=directory, max_file_bytes=NO_ROTATION, demo="bench")

    def produce(t):
        for i in range(per_thread):
            logger.info("bench line", t=t, i=i)

    start = time.perf_counter()
    workers = [threading.Thread(target=produce, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    logger.close()  # includes writing everything that was accepted
    seconds = time.perf_counter() - start
    written, dropped = count(logger.path)
    os.unlink(logger.path)
    return {"threads": threads, "lines": written, "dropped": dropped + sum(logger.dropped()),
            "seconds": seconds, "lines_per_s": written / seconds}


def call_median_ns(samples, directory):
    """Median over batches of 100 calls, divided by 100: keeps the timer's own cost out."""
    logger = Logger(directory=directory, max_file_bytes=NO_ROTATION, buffer_bytes=64 << 20)
    for i in range(5000):
        logger.info("warm up", i=i)
    batches = []
    for b in range(samples // 100):
        start = time.perf_counter_ns()
        for i in range(100):
            logger.info("bench line", t=0, i=i)
        batches.append((time.perf_counter_ns() - start) / 100)
    logger.close()
    os.unlink(logger.path)
    return {"call_median_ns": statistics.median(batches)}


def main(argv):
    if argv[0] == "throughput":
        threads, per_thread, reps, directory = int(argv[1]), int(argv[2]), int(argv[3]), argv[4]
        for _ in range(reps):
            print(json.dumps(throughput(threads, per_thread, directory)), flush=True)
    else:
        samples, reps, directory = int(argv[1]), int(argv[2]), argv[3]
        for _ in range(reps):
            print(json.dumps(call_median_ns(samples, directory)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["throughput", "1", "10000", "1", tempfile.gettempdir()])
