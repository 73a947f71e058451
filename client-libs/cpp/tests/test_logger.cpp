// Logger behaviour: header, invalid level, threads, rotation, full disk, full buffer.
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <map>

#include <dvic_log/dvic_log.hpp>

#include "check.hpp"
#include "mini_json.hpp"

namespace {

using check::lines;
using check::read;

/// The parsed lines of a log file, header excluded.
std::vector<mini_json::Node> records(const std::string& path) {
  std::vector<mini_json::Node> out;
  const auto all = lines(read(path));
  for (std::size_t i = 1; i < all.size(); ++i) out.push_back(mini_json::parse(all[i]));
  return out;
}

/// ::write until told to fail like a full disk, or to block.
struct SwitchableWrite {
  std::atomic<bool> fail{false};
  std::atomic<long> partial_then_fail{-1};
  std::mutex mutex;
  std::condition_variable changed;
  bool blocked = false, entered = false;

  dvic_log::WriteFn fn() {
    return [this](int fd, const void* data, std::size_t size) -> ssize_t {
      {
        std::unique_lock<std::mutex> lock(mutex);
        if (blocked) {
          entered = true;
          changed.notify_all();
          changed.wait(lock, [this] { return !blocked; });
        }
      }
      const long partial = partial_then_fail.exchange(-1);
      if (partial >= 0) {
        fail = true;
        return ::write(fd, data, static_cast<std::size_t>(partial));
      }
      if (fail) {
        errno = ENOSPC;
        return -1;
      }
      return ::write(fd, data, size);
    };
  }
};

dvic_log::Options in_temp_dir() {
  dvic_log::Options options;
  options.dir = check::temp_dir();
  return options;
}

void header_describes_the_process() {
  dvic_log::Logger logger(in_temp_dir());
  logger.close();
  const std::string name = logger.path().substr(logger.path().rfind('/') + 1);
  CHECK(name.size() == 9 + 22 && name.compare(0, 9, "dvic_log_") == 0);
  CHECK(name.find_first_not_of("dvic_logABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  struct stat st {};
  CHECK(::stat(logger.path().c_str(), &st) == 0 && (st.st_mode & 0777) == 0600);
  const auto header = mini_json::parse(lines(read(logger.path()))[0]);
  CHECK(header.members[0].first == "dvic_log" && header.members[1].first == "token");
  CHECK(header.at("token").s == name.substr(9));
  CHECK(header.at("pid").i == ::getpid());
  CHECK(header.at("start_time").i == *dvic_log::detail::start_ticks());
  CHECK(header.at("language").s == "cpp");
  CHECK(header.find("demo") == nullptr);
}

void invalid_level_is_a_clear_error() {
  bool thrown = false;
  try {
    dvic_log::parse_level("NOTICE");
  } catch (const std::invalid_argument& e) {
    thrown = std::string(e.what()).find("invalid dvic_log level \"NOTICE\"") != std::string::npos;
  }
  CHECK(thrown);
}

void exception_and_calls_after_close() {
  dvic_log::Logger logger(in_temp_dir());
  try {
    throw std::out_of_range("no servo 9");
  } catch (const std::exception& e) {
    logger.error("lookup failed", e, {{"servo", 9}});
  }
  logger.close();
  CHECK(!logger.info("late"));
  const auto rs = records(logger.path());
  CHECK(rs.size() == 1 && rs[0].at("exc").at("type").s == "std::out_of_range");
  CHECK(rs[0].at("exc").at("message").s == "no servo 9" && rs[0].at("fields").at("servo").i == 9);
}

void threads_lose_and_interleave_nothing() {
  // Given a logger with room for everything
  auto options = in_temp_dir();
  options.buffer_bytes = 64u << 20;
  dvic_log::Logger logger(options);
  const int threads = 8, per_thread = 5000;
  // When eight threads log at once
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&logger, t] {
      for (int i = 0; i < per_thread; ++i) logger.info("line", {{"t", t}, {"i", i}});
    });
  }
  for (auto& w : workers) w.join();
  logger.close();
  // Then every line is whole and each thread's lines are in order
  std::map<long long, std::vector<long long>> seen;
  for (const auto& r : records(logger.path())) seen[r.at("fields").at("t").i].push_back(r.at("fields").at("i").i);
  CHECK(seen.size() == threads);
  for (const auto& [t, is] : seen) {
    bool in_order = is.size() == per_thread;
    for (std::size_t i = 0; in_order && i < is.size(); ++i) in_order = is[i] == static_cast<long long>(i);
    CHECK(in_order);
  }
}

void rotation_moves_the_full_file_to_dot_1() {
  auto options = in_temp_dir();
  options.max_file_bytes = 2000;
  dvic_log::Logger logger(options);
  char msg[16];
  for (int i = 0; i < 100; ++i) {
    std::snprintf(msg, sizeof msg, "line %03d", i);
    logger.info(msg);
  }
  logger.close();
  const std::string current = read(logger.path()), previous = read(logger.path() + ".1");
  CHECK(lines(current)[0] == lines(previous)[0]);
  CHECK(current.size() <= 2000 && previous.size() <= 2000);
  CHECK(previous.size() > 2000 - 80);  // rotated only when the next line did not fit
  CHECK(check::list_dir(options.dir).size() == 2);
  std::vector<int> numbers;
  for (const auto& path : {logger.path() + ".1", logger.path()}) {
    for (const auto& r : records(path)) numbers.push_back(std::stoi(r.at("msg").s.substr(5)));
  }
  bool consecutive = !numbers.empty() && numbers.back() == 99;
  for (std::size_t i = 1; consecutive && i < numbers.size(); ++i) consecutive = numbers[i] == numbers[i - 1] + 1;
  CHECK(consecutive);
}

void full_disk_counts_and_reports() {
  SwitchableWrite write;
  auto options = in_temp_dir();
  options.write = write.fn();
  dvic_log::Logger logger(options);
  // Given a disk that fills up
  write.fail = true;
  for (int i = 0; i < 5; ++i) logger.info("lost");
  // When the flush fails, nothing is thrown and the lines are counted
  logger.flush();
  CHECK(logger.dropped().write_failed == 5 && logger.dropped().buffer_full == 0);
  // Then after space comes back the report precedes the next lines
  write.fail = false;
  logger.info("back");
  logger.close();
  const auto rs = records(logger.path());
  CHECK(rs.size() == 2);
  CHECK(rs[0].at("msg").s == "dvic_log dropped 5 lines" && rs[0].at("level").s == "WARN");
  CHECK(rs[0].at("fields").at("dvic_dropped").i == 5 && rs[0].at("fields").at("write_failed").i == 5);
  CHECK(rs[1].at("msg").s == "back");
  CHECK(logger.dropped().write_failed == 0);
}

void partial_write_leaves_fragment_on_its_own_line() {
  SwitchableWrite write;
  auto options = in_temp_dir();
  options.write = write.fn();
  dvic_log::Logger logger(options);
  write.partial_then_fail = 10;
  logger.info("first");
  logger.info("second");
  logger.flush();
  CHECK(logger.dropped().write_failed == 2);
  write.fail = false;
  logger.info("third");
  logger.close();
  const auto ls = lines(read(logger.path()));
  CHECK(ls.size() == 4 && ls[1] == "{\"ts\":\"202");
  CHECK(mini_json::parse(ls[2]).at("fields").at("write_failed").i == 2);
  CHECK(mini_json::parse(ls[3]).at("msg").s == "third");
}

void uncreatable_file_drops_and_counts() {
  auto options = in_temp_dir();
  options.dir += "/missing";
  dvic_log::Logger logger(options);
  CHECK(logger.info("nowhere to go"));
  logger.flush();
  CHECK(logger.dropped().write_failed == 1);
}

void full_buffer_drops_counts_and_reports() {
  SwitchableWrite write;
  auto options = in_temp_dir();
  options.write = write.fn();
  options.buffer_bytes = 1000;
  options.clock = [] { return std::int64_t{1795341600000}; };
  dvic_log::Logger logger(options);
  // Given the flusher stuck in a slow write
  {
    std::lock_guard<std::mutex> lock(write.mutex);
    write.blocked = true;
  }
  logger.info("in flight");
  {
    std::unique_lock<std::mutex> lock(write.mutex);
    write.changed.wait(lock, [&] { return write.entered; });
  }
  // When more is logged than the buffer holds
  int accepted = 0;
  char msg[16];
  for (int i = 0; i < 100; ++i) {
    std::snprintf(msg, sizeof msg, "line %03d", i);
    accepted += logger.info(msg) ? 1 : 0;
  }
  // Then the surplus is dropped, counted, and reported once the write completes
  const int line_bytes = sizeof("{\"ts\":\"2026-11-22T10:00:00.000Z\",\"level\":\"INFO\",\"msg\":\"line 000\"}\n") - 1;
  CHECK(accepted == 1000 / line_bytes);
  CHECK(logger.dropped().buffer_full == static_cast<std::uint64_t>(100 - accepted));
  {
    std::lock_guard<std::mutex> lock(write.mutex);
    write.blocked = false;
  }
  write.changed.notify_all();
  logger.close();
  const auto rs = records(logger.path());
  CHECK(static_cast<int>(rs.size()) == 2 + accepted);
  CHECK(rs[0].at("msg").s == "in flight");
  CHECK(rs[1].at("fields").at("buffer_full").i == 100 - accepted && rs[1].at("fields").at("write_failed").i == 0);
  CHECK(rs.back().at("msg").s == "line " + std::string(accepted - 1 < 10 ? "00" : "0") + std::to_string(accepted - 1));
}

void flusher_writes_without_flush() {
  dvic_log::Logger logger(in_temp_dir());
  logger.info("soon");
  // Poll rather than assert a time: only "eventually, without flush()" is the contract here.
  for (int i = 0; i < 100 && records(logger.path()).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(records(logger.path()).size() == 1);
}

}  // namespace

int main() {
  return check::run({
      {"header describes the process", header_describes_the_process},
      {"invalid level is a clear error", invalid_level_is_a_clear_error},
      {"exception and calls after close", exception_and_calls_after_close},
      {"threads lose and interleave nothing", threads_lose_and_interleave_nothing},
      {"rotation moves the full file to .1", rotation_moves_the_full_file_to_dot_1},
      {"full disk counts and reports", full_disk_counts_and_reports},
      {"partial write leaves fragment on its own line", partial_write_leaves_fragment_on_its_own_line},
      {"uncreatable file drops and counts", uncreatable_file_drops_and_counts},
      {"full buffer drops, counts and reports", full_buffer_drops_counts_and_reports},
      {"flusher writes without flush", flusher_writes_without_flush},
  });
}
