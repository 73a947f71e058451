// Byte-exact encoding of header and record lines (client-libs/spec/FORMAT.md §4-§7).
// Hand-written because the format fixes the escapes (\u000a, not \n), the float
// form and the truncation rules, and all four libraries must produce the same bytes.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace dvic_log {

enum class Level { Trace, Debug, Info, Warn, Error, Fatal };

inline const char* level_name(Level level) {
  static const char* const names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
  return names[static_cast<int>(level)];
}

/// For levels that arrive as text (configuration, other languages); throws on anything else.
inline Level parse_level(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Level::Fatal); ++i) {
    if (name == level_name(static_cast<Level>(i))) return static_cast<Level>(i);
  }
  throw std::invalid_argument("invalid dvic_log level \"" + std::string(name) +
                              "\": expected one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL");
}

/// A field value: written as a JSON scalar (FORMAT.md §5).
class Value {
 public:
  Value(std::nullptr_t) : v_(nullptr) {}
  Value(bool b) : v_(b) {}
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Value(T i) {
    if constexpr (std::is_signed_v<T>) {
      v_ = static_cast<long long>(i);
    } else {
      v_ = static_cast<unsigned long long>(i);
    }
  }
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Value(T d) : v_(static_cast<double>(d)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}

  const std::variant<std::nullptr_t, bool, long long, unsigned long long, double, std::string>& get() const {
    return v_;
  }

 private:
  std::variant<std::nullptr_t, bool, long long, unsigned long long, double, std::string> v_;
};

/// Fields in the order they are written.
using Fields = std::vector<std::pair<std::string, Value>>;

/// An exception as the format records it; C++ has no portable stack, so stack is usually empty.
struct ExceptionInfo {
  std::string type;
  std::string message;
  std::string stack;
};

namespace detail {

constexpr std::size_t kMaxLineBytes = 16384;
constexpr std::size_t kMaxExcTypeBytes = 256;
constexpr std::size_t kMaxExcMessageBytes = 1024;
constexpr std::size_t kMaxExcStackBytes = 8192;
constexpr std::size_t kMaxFieldValueBytes = 1024;
constexpr std::size_t kMaxFieldsBytes = 4096;

/// Length of the valid UTF-8 sequence at s[i], or 0 if it is invalid. On 0, *bad
/// is the length of the maximal subpart to replace by one U+FFFD (Unicode §3.9).
inline std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t* bad) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k < need; ++k) {
    if (i + k >= s.size()) {
      *bad = k;
      return 0;
    }
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) {
      *bad = k;
      return 0;
    }
  }
  return need;
}

/// Calls emit(bytes_of_encoded_char) for each code point; stops when emit returns false.
template <typename Emit>
void for_each_encoded_char(std::string_view s, Emit emit) {
  static const char kHex[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      char buf[6];
      std::string_view out;
      if (c == '"' || c == '\\') {
        buf[0] = '\\';
        buf[1] = static_cast<char>(c);
        out = std::string_view(buf, 2);
      } else if (c < 0x20) {
        buf[0] = '\\', buf[1] = 'u', buf[2] = '0', buf[3] = '0', buf[4] = kHex[c >> 4], buf[5] = kHex[c & 15];
        out = std::string_view(buf, 6);
      } else {
        out = s.substr(i, 1);
      }
      if (!emit(out)) return;
      ++i;
      continue;
    }
    std::size_t bad = 0;
    const std::size_t len = utf8_sequence(s, i, &bad);
    if (len) {
      if (!emit(s.substr(i, len))) return;
      i += len;
    } else {
      if (!emit(std::string_view("\xEF\xBF\xBD", 3))) return;
      i += bad;
    }
  }
}

/// Appends the encoded content of a JSON string (no quotes) to out.
inline void escape_to(std::string& out, std::string_view s) {
  for_each_encoded_char(s, [&](std::string_view piece) {
    out.append(piece);
    return true;
  });
}

/// Appends at most `limit` bytes of encoded content, cut at a code point; true if cut.
inline bool cut_to(std::string& out, std::string_view s, std::size_t limit) {
  std::size_t size = 0;
  bool cut = false;
  for_each_encoded_char(s, [&](std::string_view piece) {
    if (size + piece.size() > limit) {
      cut = true;
      return false;
    }
    size += piece.size();
    out.append(piece);
    return true;
  });
  return cut;
}

inline void quoted_to(std::string& out, std::string_view s) {
  out += '"';
  escape_to(out, s);
  out += '"';
}

inline std::string format_ts(std::int64_t ts_ms) {
  std::int64_t secs = ts_ms / 1000, millis = ts_ms % 1000;
  if (millis < 0) millis += 1000, secs -= 1;
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

/// ECMAScript Number::toString of the shortest round-trip decimal (FORMAT.md §5).
inline std::string format_double(double d) {
  if (std::isnan(d)) return "\"NaN\"";
  if (std::isinf(d)) return d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  if (d == 0) return "0";
  char buf[64];
  // Shortest round-trip digits, e.g. "1.2345e+02".
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  const std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char ch : sci.substr(0, e_pos)) {
    if (ch != '.') digits += ch;
  }
  const int exponent = std::stoi(std::string(sci.substr(e_pos + 1)));
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // value = 0.digits * 10^n
  std::string text = d < 0 ? "-" : "";
  if (k <= n && n <= 21) {
    text += digits + std::string(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    text += digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    text += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  } else {
    const int e = n - 1;
    text += k == 1 ? digits : digits.substr(0, 1) + "." + digits.substr(1);
    text += e >= 0 ? "e+" : "e-";
    text += std::to_string(e >= 0 ? e : -e);
  }
  return text;
}

/// Appends a field value; true if its string content was cut.
inline bool value_to(std::string& out, const Value& value) {
  return std::visit(
      [&](const auto& v) -> bool {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          out += format_double(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          out += '"';
          const bool cut = cut_to(out, v, kMaxFieldValueBytes);
          out += '"';
          return cut;
        } else {
          out += std::to_string(v);
        }
        return false;
      },
      value.get());
}

/// Appends `,"fields":{...}` (unless nothing fits); true if anything was cut or left out.
inline bool fields_to(std::string& out, const Fields& fields) {
  bool truncated = false;
  std::string object = "{";
  std::string member;
  for (const auto& [key, value] : fields) {
    member.clear();
    quoted_to(member, key);
    member += ':';
    truncated |= value_to(member, value);
    const std::size_t extra = member.size() + (object.size() > 1 ? 1 : 0);
    if (object.size() + 1 + extra > kMaxFieldsBytes) {  // +1: the closing brace
      truncated = true;
      break;
    }
    if (object.size() > 1) object += ',';
    object += member;
  }
  if (object.size() > 1) {
    out += ",\"fields\":";
    out += object;
    out += '}';
  }
  return truncated;
}

inline bool exc_to(std::string& out, const ExceptionInfo& exc) {
  bool truncated = false;
  out += ",\"exc\":{\"type\":\"";
  truncated |= cut_to(out, exc.type, kMaxExcTypeBytes);
  out += "\",\"message\":\"";
  truncated |= cut_to(out, exc.message, kMaxExcMessageBytes);
  out += "\",\"stack\":\"";
  truncated |= cut_to(out, exc.stack, kMaxExcStackBytes);
  out += "\"}";
  return truncated;
}

}  // namespace detail

/// One record line, newline included (FORMAT.md §3, §7).
inline std::string encode_record(std::int64_t ts_ms, Level level, std::string_view msg, const Fields& fields,
                                 const ExceptionInfo* exc) {
  std::string tail = "\"";
  bool truncated = false;
  if (!fields.empty()) truncated |= detail::fields_to(tail, fields);
  if (exc) truncated |= detail::exc_to(tail, *exc);
  std::string line = "{\"ts\":\"" + detail::format_ts(ts_ms) + "\",\"level\":\"" + level_name(level) + "\",\"msg\":\"";
  const std::size_t head_size = line.size();
  detail::escape_to(line, msg);
  static const std::string_view kMark = ",\"truncated\":true";
  if (line.size() + tail.size() + (truncated ? kMark.size() : 0) + 1 > detail::kMaxLineBytes) {
    line.resize(head_size);
    detail::cut_to(line, msg, detail::kMaxLineBytes - (head_size + tail.size() + kMark.size() + 1));
    truncated = true;
  }
  line += tail;
  if (truncated) line += kMark;
  line += "}\n";
  return line;
}

}  // namespace dvic_log
