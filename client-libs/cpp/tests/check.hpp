// Minimal test support: CHECK records failures, run() reports a summary line per test.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include <dirent.h>
#include <unistd.h>

namespace check {

inline int& failures() {
  static int count = 0;
  return count;
}

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++check::failures();                                                           \
    }                                                                                \
  } while (0)

inline std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  return out;
}

inline std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    closedir(d);
  }
  return names;
}

/// A fresh directory, removed with its content when the test program exits.
inline std::string temp_dir() {
  static std::vector<std::string> made;
  static const bool registered = [] {
    std::atexit([] {
      for (const auto& dir : made) std::filesystem::remove_all(dir);
    });
    return true;
  }();
  (void)registered;
  char templ[] = "/tmp/dvictest-XXXXXX";
  if (!mkdtemp(templ)) std::abort();
  made.push_back(templ);
  return templ;
}

/// Runs named tests and prints "N passed, N failed".
inline int run(const std::vector<std::pair<const char*, std::function<void()>>>& tests) {
  int passed = 0, failed = 0;
  for (const auto& [name, body] : tests) {
    const int before = failures();
    body();
    const bool ok = failures() == before;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", name);
    (ok ? passed : failed)++;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

}  // namespace check
