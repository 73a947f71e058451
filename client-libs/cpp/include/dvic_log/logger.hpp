// Logger: a bounded buffer in front of a LogFile, drained by a background thread.
// A log call only encodes its line and appends it under a mutex; all I/O happens
// in the flusher thread (or in an explicit flush()/close()), FORMAT.md §9.
#pragma once

#include <cxxabi.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "encoding.hpp"
#include "log_file.hpp"
#include "process_info.hpp"

namespace dvic_log {

struct Options {
  std::optional<std::string> demo;          ///< demo name for the header
  std::string dir;                          ///< empty: $DVIC_LOG_DIR, else /tmp
  std::size_t max_file_bytes = 10u << 20;   ///< rotate beyond this (FORMAT.md §6)
  std::size_t buffer_bytes = 4u << 20;      ///< bound of the in-memory buffer
  std::function<std::int64_t()> clock;      ///< epoch ms; default system_clock (a seam for tests)
  WriteFn write;                            ///< default ::write (a seam for tests)
};

/// Drops not yet reported in the file.
struct Dropped {
  std::uint64_t buffer_full = 0;
  std::uint64_t write_failed = 0;
};

/// The type name, message and (empty) stack of a caught exception.
inline ExceptionInfo exception_info(const std::exception& e) {
  const char* mangled = typeid(e).name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return ExceptionInfo{status == 0 ? demangled.get() : mangled, e.what(), ""};
}

/// Writes one dvic_log file. Thread-safe; log calls never throw on I/O and never wait for it.
/// Not fork-safe: a forked child must exec or _exit without touching the logger.
class Logger {
 public:
  explicit Logger(Options options = {}) : options_(std::move(options)) {
    if (!options_.clock) {
      options_.clock = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      };
    }
    if (!options_.write) options_.write = [](int fd, const void* d, std::size_t n) { return ::write(fd, d, n); };
    std::string dir = options_.dir;
    if (dir.empty()) {
      const char* env = std::getenv("DVIC_LOG_DIR");
      dir = env && *env ? env : "/tmp";
    }
    const std::string token = detail::new_token();
    file_ = std::make_unique<detail::LogFile>(dir + "/dvic_log_" + token, encode_header(token, options_.demo),
                                              options_.max_file_bytes, options_.write);
    flusher_ = std::thread([this] { run(); });
  }

  ~Logger() { close(); }
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  const std::string& path() const { return file_->path(); }

  /// Queues one line; false if it was dropped (buffer full or logger closed).
  bool log(Level level, std::string_view msg, const Fields& fields = {}, const ExceptionInfo* exc = nullptr) {
    return enqueue(encode_record(options_.clock(), level, msg, fields, exc));
  }
  bool log(Level level, std::string_view msg, const Fields& fields, const std::exception& e) {
    const ExceptionInfo info = exception_info(e);
    return log(level, msg, fields, &info);
  }

  bool trace(std::string_view msg, const Fields& fields = {}) { return log(Level::Trace, msg, fields); }
  bool debug(std::string_view msg, const Fields& fields = {}) { return log(Level::Debug, msg, fields); }
  bool info(std::string_view msg, const Fields& fields = {}) { return log(Level::Info, msg, fields); }
  bool warn(std::string_view msg, const Fields& fields = {}) { return log(Level::Warn, msg, fields); }
  bool error(std::string_view msg, const Fields& fields = {}) { return log(Level::Error, msg, fields); }
  bool error(std::string_view msg, const std::exception& e, const Fields& fields = {}) {
    return log(Level::Error, msg, fields, e);
  }
  bool fatal(std::string_view msg, const Fields& fields = {}) { return log(Level::Fatal, msg, fields); }
  bool fatal(std::string_view msg, const std::exception& e, const Fields& fields = {}) {
    return log(Level::Fatal, msg, fields, e);
  }

  /// Writes everything buffered so far, synchronously.
  void flush() {
    std::lock_guard<std::mutex> io(io_mutex_);
    std::vector<std::string> lines;
    Dropped snapshot;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      lines.swap(lines_);
      buffered_ = 0;
      snapshot = dropped_;
    }
    const std::uint64_t report = snapshot.buffer_full + snapshot.write_failed;
    if (report) {
      lines.insert(lines.begin(),
                   encode_record(options_.clock(), Level::Warn,
                                 "dvic_log dropped " + std::to_string(report) + " lines",
                                 {{"dvic_dropped", report},
                                  {"buffer_full", snapshot.buffer_full},
                                  {"write_failed", snapshot.write_failed}},
                                 nullptr));
    }
    if (lines.empty()) return;
    const std::size_t written = file_->write_lines(lines);
    std::lock_guard<std::mutex> lock(mutex_);
    if (report && written > 0) {
      dropped_.buffer_full -= snapshot.buffer_full;
      dropped_.write_failed -= snapshot.write_failed;
    }
    dropped_.write_failed += lines.size() - written - (report && written == 0 ? 1 : 0);
  }

  /// Flushes and stops; later log calls return false. Safe to call twice.
  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_) return;
      closed_ = true;
    }
    wake_.notify_one();
    flusher_.join();
    flush();
    std::lock_guard<std::mutex> io(io_mutex_);
    file_->close();
  }

  Dropped dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }

 private:
  static constexpr std::size_t kEagerFlushBytes = 64 * 1024;
  static constexpr std::chrono::milliseconds kFlushInterval{100};

  bool enqueue(std::string line) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    if (buffered_ + line.size() > options_.buffer_bytes) {
      ++dropped_.buffer_full;
      return false;
    }
    const std::size_t before = buffered_;
    buffered_ += line.size();
    lines_.push_back(std::move(line));
    // Once per batch: each notify makes the flusher contend for the mutex.
    if (before < kEagerFlushBytes && buffered_ >= kEagerFlushBytes) wake_.notify_one();
    return true;
  }

  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!closed_) {
      // The predicate matters: a notify sent while we were writing must not be lost.
      wake_.wait_for(lock, kFlushInterval, [this] { return closed_ || buffered_ >= kEagerFlushBytes; });
      lock.unlock();
      flush();
      lock.lock();
    }
  }

  Options options_;
  std::unique_ptr<detail::LogFile> file_;
  mutable std::mutex mutex_;  // guards lines_, buffered_, dropped_, closed_
  std::mutex io_mutex_;       // one writer of the file at a time
  std::condition_variable wake_;
  std::vector<std::string> lines_;
  std::size_t buffered_ = 0;
  Dropped dropped_;
  bool closed_ = false;
  std::thread flusher_;
};

}  // namespace dvic_log
