// The facts of the header line (FORMAT.md §2), gathered once per logger.
#pragma once

#include <fcntl.h>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "encoding.hpp"

namespace dvic_log {

constexpr const char* kLibraryVersion = "0.1.0";

namespace detail {

inline std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// 16 random bytes as base64url without padding: 22 characters.
inline std::string new_token() {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char bytes[18] = {};  // 16 random + 2 zero bytes so the loop reads whole triples
  const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::read(fd, bytes, 16) != 16) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("dvic_log: cannot read /dev/urandom for the file token");
  }
  ::close(fd);
  std::string token;
  for (int i = 0; i < 18; i += 3) {
    const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) token += kAlphabet[(v >> shift) & 63];
  }
  token.resize(22);  // 128 bits = 21 full characters + 2 bits
  return token;
}

inline std::optional<long long> start_ticks() {
  const auto stat = read_file("/proc/self/stat");
  if (!stat) return std::nullopt;
  // comm (field 2) may contain spaces and ')': split after the last ')'.
  std::istringstream rest(stat->substr(stat->rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
  }
  return std::stoll(field);  // field 22
}

inline std::int64_t started_at_ms(std::optional<long long> ticks) {
  const auto stat = read_file("/proc/stat");
  const auto pos = stat ? stat->find("\nbtime ") : std::string::npos;
  if (ticks && pos != std::string::npos) {
    const long long btime = std::stoll(stat->substr(pos + 7));
    return static_cast<std::int64_t>((btime + static_cast<double>(*ticks) / ::sysconf(_SC_CLK_TCK)) * 1000);
  }
  return 0;
}

inline std::vector<std::string> argv() {
  std::vector<std::string> args;
  const auto cmdline = read_file("/proc/self/cmdline");
  if (!cmdline) return args;
  std::size_t start = 0;
  while (start < cmdline->size()) {
    const std::size_t end = cmdline->find('\0', start);
    args.push_back(cmdline->substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return args;
}

inline std::optional<std::string> exe() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf);
  if (n <= 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

inline std::optional<std::string> user_name(uid_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) != 0 || !found) return std::nullopt;
  return std::string(found->pw_name);
}

inline std::string hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

inline void optional_string_to(std::string& out, const std::optional<std::string>& s) {
  if (s) {
    quoted_to(out, *s);
  } else {
    out += "null";
  }
}

}  // namespace detail

/// The header line of a file of this process, newline included.
inline std::string encode_header(const std::string& token, const std::optional<std::string>& demo) {
  using namespace detail;
  const auto ticks = start_ticks();
  const uid_t uid = ::geteuid();
  std::string out = "{\"dvic_log\":1,\"token\":";
  quoted_to(out, token);
  out += ",\"pid\":" + std::to_string(::getpid());
  out += ",\"start_time\":" + (ticks ? std::to_string(*ticks) : std::string("null"));
  out += ",\"started_at\":\"" + format_ts(started_at_ms(ticks)) + "\"";
  out += ",\"exe\":";
  optional_string_to(out, exe());
  out += ",\"argv\":[";
  bool first = true;
  for (const auto& arg : argv()) {
    if (!first) out += ',';
    first = false;
    quoted_to(out, arg);
  }
  out += "],\"user\":";
  optional_string_to(out, user_name(uid));
  out += ",\"uid\":" + std::to_string(uid);
  out += ",\"hostname\":";
  quoted_to(out, hostname());
  out += ",\"language\":\"cpp\",\"library_version\":\"";
  out += kLibraryVersion;
  out += '"';
  if (demo) {
    out += ",\"demo\":";
    quoted_to(out, *demo);
  }
  out += "}\n";
  return out;
}

}  // namespace dvic_log
