// The file of one logger: creation, header, rotation, failed writes (FORMAT.md §1, §6, §9).
// Only one thread at a time may call into a LogFile; Logger serialises it.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace dvic_log {

/// Same contract as ::write (bytes written, or -1 with errno); a seam for tests to inject ENOSPC.
using WriteFn = std::function<ssize_t(int fd, const void* data, std::size_t size)>;

namespace detail {

class LogFile {
 public:
  LogFile(std::string path, std::string header, std::size_t max_file_bytes, WriteFn write)
      : path_(std::move(path)), header_(std::move(header)), max_file_bytes_(max_file_bytes), write_(std::move(write)) {
    ready();
  }
  ~LogFile() { close(); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  const std::string& path() const { return path_; }

  /// Appends encoded lines in order; returns how many (a prefix of them) reached the file.
  std::size_t write_lines(const std::vector<std::string>& lines) {
    std::size_t written = 0;
    while (written < lines.size()) {
      if (!ready()) break;
      const std::size_t count = lines_that_fit(lines, written);
      if (count == 0) {
        rotate();
        continue;
      }
      const std::size_t done = append(lines, written, count);
      written += done;
      if (done < count) break;
    }
    return written;
  }

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

 private:
  /// Opens the file and writes its header if that is not done yet; false if it failed.
  bool ready() {
    if (fd_ >= 0) return true;
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) return false;
    size_ = 0;
    mid_line_ = false;
    if (write_all(header_.data(), header_.size()) < header_.size()) {
      // A file without a complete header is useless to the agent: start over next time.
      close();
      ::unlink(path_.c_str());
      return false;
    }
    return true;
  }

  std::size_t lines_that_fit(const std::vector<std::string>& lines, std::size_t start) const {
    const bool holds_only_header = size_ == header_.size();
    std::size_t size = size_ + (mid_line_ ? 1 : 0);
    std::size_t count = 0;
    for (std::size_t i = start; i < lines.size(); ++i) {
      if (size + lines[i].size() > max_file_bytes_ && !(holds_only_header && count == 0)) break;
      size += lines[i].size();
      ++count;
    }
    return count;
  }

  void rotate() {
    close();
    // Failure (e.g. someone removed the file) is fine: the next open creates it anew.
    std::rename(path_.c_str(), (path_ + ".1").c_str());
  }

  std::size_t append(const std::vector<std::string>& lines, std::size_t start, std::size_t count) {
    const std::size_t lead = mid_line_ ? 1 : 0;
    std::string data(lead, '\n');
    for (std::size_t i = start; i < start + count; ++i) data += lines[i];
    const std::size_t done = write_all(data.data(), data.size());
    if (done == data.size()) {
      mid_line_ = false;
      return count;
    }
    // Count whole lines that made it; the rest is dropped by the caller.
    std::size_t remaining = done >= lead ? done - lead : 0;
    std::size_t complete = 0;
    for (std::size_t i = start; i < start + count && remaining >= lines[i].size(); ++i) {
      remaining -= lines[i].size();
      ++complete;
    }
    if (done > 0) mid_line_ = remaining != 0;
    return complete;
  }

  /// Writes data; returns how many bytes reached the file before an error.
  std::size_t write_all(const char* data, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = write_(fd_, data + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    size_ += done;
    return done;
  }

  std::string path_;
  std::string header_;
  std::size_t max_file_bytes_;
  WriteFn write_;
  int fd_ = -1;
  std::size_t size_ = 0;
  bool mid_line_ = false;  // a failed write left the file ending inside a line
};

}  // namespace detail
}  // namespace dvic_log
