import errno
import json
import logging
import os
import re
import stat
import threading
import time
import unittest

from dvic_log import DvicLogHandler, Logger

from support import TempDir, records


def enospc(fd, data):
    raise OSError(errno.ENOSPC, "No space left on device")


class SwitchableWrite:
    """os.write until told to fail like a full disk, or to block."""

    def __init__(self):
        self.fail = False
        self.partial_then_fail = None  # bytes to write before failing once
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    def __call__(self, fd, data):
        if not self.gate.is_set():
            self.entered.set()
            self.gate.wait()
        if self.partial_then_fail is not None:
            n, self.partial_then_fail = self.partial_then_fail, None
            os.write(fd, bytes(data[:n]))
            self.fail = True
            return n
        if self.fail:
            return enospc(fd, data)
        return os.write(fd, data)


class HeaderTest(unittest.TestCase):
    def test_file_is_private_named_by_token_and_describes_the_process(self):
        with TempDir() as directory:
            logger = Logger(directory=directory)
            logger.close()
            name = os.path.basename(logger.path)
            self.assertRegex(name, r"^dvic_log_[A-Za-z0-9_-]{22}$")
            self.assertEqual(stat.S_IMODE(os.stat(logger.path).st_mode), 0o600)
            with open(logger.path, "rb") as f:
                header = json.loads(f.readline())
            with open("/proc/self/stat", "rb") as f:
                ticks = int(f.read().rsplit(b")", 1)[1].split()[19])
            self.assertEqual(list(header)[:3], ["dvic_log", "token", "pid"])
            self.assertEqual(header["token"], name[len("dvic_log_"):])
            self.assertEqual((header["pid"], header["start_time"], header["uid"]), (os.getpid(), ticks, os.geteuid()))
            self.assertEqual(header["language"], "python")
            self.assertNotIn("demo", header)

    def test_dvic_log_dir_chooses_the_directory(self):
        with TempDir() as directory:
            os.environ["DVIC_LOG_DIR"] = directory
            try:
                logger = Logger()
            finally:
                del os.environ["DVIC_LOG_DIR"]
            logger.close()
            self.assertEqual(os.path.dirname(logger.path), directory)


class LogCallTest(unittest.TestCase):
    def test_invalid_level_is_a_clear_error(self):
        with TempDir() as directory:
            logger = Logger(directory=directory)
            with self.assertRaisesRegex(ValueError, "invalid dvic_log level 'NOTICE'"):
                logger.log("NOTICE", "x")
            logger.close()

    def test_exception_instance_is_recorded_with_its_stack(self):
        with TempDir() as directory:
            logger = Logger(directory=directory)
            try:
                raise KeyError("servo")
            except KeyError as e:
                logger.error("lookup failed", exc=e, servo=3)
            logger.close()
            [record] = records(logger.path)
            self.assertEqual(record["fields"], {"servo": 3})
            self.assertEqual(record["exc"]["type"], "KeyError")
            self.assertIn("raise KeyError", record["exc"]["stack"])

    def test_calls_after_close_are_refused(self):
        with TempDir() as directory:
            logger = Logger(directory=directory)
            logger.close()
            self.assertFalse(logger.info("late"))


class FlusherTest(unittest.TestCase):
    def test_lines_reach_the_file_without_an_explicit_flush(self):
        with TempDir() as directory:
            logger = Logger(directory=directory)
            logger.info("soon")
            # Poll rather than assert a time: only "eventually, without flush()" is the contract here.
            for _ in range(100):
                if records(logger.path):
                    break
                time.sleep(0.05)
            self.assertEqual([r["msg"] for r in records(logger.path)], ["soon"])
            logger.close()


class ConcurrencyTest(unittest.TestCase):
    def test_many_threads_lose_and_interleave_nothing(self):
        with TempDir() as directory:
            # Given a logger with room for everything
            logger = Logger(directory=directory, buffer_bytes=64 * 1024 * 1024)
            threads, per_thread = 8, 2000

            def produce(t):
                for i in range(per_thread):
                    logger.info("thread %d line %d" % (t, i), t=t, i=i)

            # When eight threads log at once
            workers = [threading.Thread(target=produce, args=(t,)) for t in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            logger.close()
            # Then every line is there, whole, and each thread's lines are in order
            seen = {t: [] for t in range(threads)}
            for record in records(logger.path):
                seen[record["fields"]["t"]].append(record["fields"]["i"])
            self.assertEqual(seen, {t: list(range(per_thread)) for t in range(threads)})


class RotationTest(unittest.TestCase):
    def test_full_file_moves_to_dot_1_and_a_new_one_starts_with_the_header(self):
        with TempDir() as directory:
            logger = Logger(directory=directory, max_file_bytes=2000)
            for i in range(100):
                logger.info("line %03d" % i)
            logger.close()
            with open(logger.path, "rb") as current, open(logger.path + ".1", "rb") as previous:
                current, previous = current.read(), previous.read()
            self.assertEqual(current.split(b"\n")[0], previous.split(b"\n")[0])
            self.assertLessEqual(len(current), 2000)
            self.assertLessEqual(len(previous), 2000)
            self.assertGreater(len(previous), 2000 - 80)  # rotated only when the next line did not fit
            self.assertEqual(sorted(os.listdir(directory)), sorted([os.path.basename(logger.path),
                                                                     os.path.basename(logger.path) + ".1"]))
            numbers = [int(r["msg"][5:]) for r in records(logger.path + ".1") + records(logger.path)]
            self.assertEqual(numbers, list(range(numbers[0], 100)))


class FullDiskTest(unittest.TestCase):
    def test_failed_writes_are_counted_and_reported_when_writing_works_again(self):
        with TempDir() as directory:
            write = SwitchableWrite()
            logger = Logger(directory=directory, write=write)
            # Given a disk that fills up
            write.fail = True
            for i in range(5):
                logger.info("lost %d" % i)
            # When the flush fails, nothing is raised and the lines are counted
            logger.flush()
            self.assertEqual(logger.dropped(), (0, 5))
            # Then after space comes back the report precedes the next lines
            write.fail = False
            logger.info("back")
            logger.close()
            report, back = records(logger.path)
            self.assertEqual(report["msg"], "dvic_log dropped 5 lines")
            self.assertEqual(report["level"], "WARN")
            self.assertEqual(report["fields"], {"dvic_dropped": 5, "buffer_full": 0, "write_failed": 5})
            self.assertEqual(back["msg"], "back")
            self.assertEqual(logger.dropped(), (0, 0))

    def test_a_write_cut_short_leaves_the_fragment_on_its_own_line(self):
        with TempDir() as directory:
            write = SwitchableWrite()
            logger = Logger(directory=directory, write=write)
            write.partial_then_fail = 10
            logger.info("first")
            logger.info("second")
            logger.flush()
            self.assertEqual(logger.dropped(), (0, 2))
            write.fail = False
            logger.info("third")
            logger.close()
            with open(logger.path, "rb") as f:
                lines = f.read().split(b"\n")
            self.assertEqual(lines[1], b'{"ts":"202')  # the fragment, skipped by the agent
            self.assertEqual(json.loads(lines[2])["fields"]["write_failed"], 2)
            self.assertEqual(json.loads(lines[3])["msg"], "third")

    def test_an_uncreatable_file_drops_and_counts_without_raising(self):
        with TempDir() as directory:
            logger = Logger(directory=os.path.join(directory, "missing"))
            self.assertTrue(logger.info("nowhere to go"))
            logger.flush()
            self.assertEqual(logger.dropped(), (0, 1))
            logger.close()


class BufferFullTest(unittest.TestCase):
    def test_lines_beyond_the_buffer_are_dropped_counted_and_reported(self):
        with TempDir() as directory:
            write = SwitchableWrite()
            logger = Logger(directory=directory, write=write, buffer_bytes=1000)
            # Given the flusher stuck in a slow write
            write.gate.clear()
            logger.info("in flight")
            self.assertTrue(write.entered.wait(5))
            # When more is logged than the buffer holds
            accepted = sum(logger.info("line %03d" % i) for i in range(100))
            # Then the surplus is dropped, counted, and reported once the write completes
            line_bytes = len(b'{"ts":"2026-11-22T10:00:00.000Z","level":"INFO","msg":"line 000"}\n')
            self.assertEqual(accepted, 1000 // line_bytes)
            self.assertEqual(logger.dropped(), (100 - accepted, 0))
            write.gate.set()
            logger.close()
            lines = records(logger.path)
            self.assertEqual(lines[0]["msg"], "in flight")
            self.assertEqual(lines[1]["fields"], {"dvic_dropped": 100 - accepted, "buffer_full": 100 - accepted,
                                                  "write_failed": 0})
            self.assertEqual([r["msg"] for r in lines[2:]], ["line %03d" % i for i in range(accepted)])


class ForkTest(unittest.TestCase):
    def test_child_writes_its_own_file_without_the_parents_lines(self):
        with TempDir() as directory:
            logger = Logger(directory=directory)
            logger.info("before fork")
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    logger.info("in child")
                    logger.close()
                except BaseException:
                    code = 1
                os._exit(code)
            _, status = os.waitpid(pid, 0)
            self.assertEqual(os.waitstatus_to_exitcode(status), 0)
            logger.info("after fork")
            logger.close()
            [child_name] = [n for n in os.listdir(directory) if n != os.path.basename(logger.path)]
            child_path = os.path.join(directory, child_name)
            with open(child_path, "rb") as f:
                self.assertEqual(json.loads(f.readline())["pid"], pid)
            self.assertEqual([r["msg"] for r in records(child_path)], ["in child"])
            self.assertEqual([r["msg"] for r in records(logger.path)], ["before fork", "after fork"])


class HandlerTest(unittest.TestCase):
    def test_stdlib_records_become_lines(self):
        with TempDir() as directory:
            handler = DvicLogHandler(directory=directory, demo="robot-arm")
            log = logging.getLogger("dvic_log.test")
            log.propagate = False
            log.setLevel(1)
            log.addHandler(handler)
            try:
                log.info("arm %s homed", "left", extra={"fields": {"axis": 3}})
                log.log(5, "very fine")
                log.log(55, "beyond critical")
                try:
                    1 / 0
                except ZeroDivisionError:
                    log.exception("math")
            finally:
                log.removeHandler(handler)
                handler.close()
            lines = records(handler.dvic_logger.path)
            self.assertEqual([(r["level"], r["msg"]) for r in lines],
                             [("INFO", "arm left homed"), ("TRACE", "very fine"), ("FATAL", "beyond critical"),
                              ("ERROR", "math")])
            self.assertEqual(lines[0]["fields"], {"axis": 3})
            self.assertEqual(lines[3]["exc"]["type"], "ZeroDivisionError")
            self.assertTrue(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", lines[0]["ts"]))


if __name__ == "__main__":
    unittest.main()
