// Replays client-libs/spec/vectors/*.json and compares the files byte for byte.
#include <algorithm>
#include <regex>

#include <dvic_log/dvic_log.hpp>

#include "check.hpp"
#include "mini_json.hpp"

namespace {

// FORMAT.md §10: header values that vary by process and library.
std::string mask_header(const std::string& line) {
  static const std::regex mask(
      R"re("(token|pid|start_time|started_at|exe|argv|user|uid|hostname|language|library_version)":)re"
      R"re(("(?:[^"\\]|\\.)*"|\[(?:"(?:[^"\\]|\\.)*"|[^\]"])*\]|-?[0-9]+|null))re");
  return std::regex_replace(line, mask, "\"$1\":\"*\"");
}

dvic_log::Value to_value(const mini_json::Node& n) {
  switch (n.kind) {
    case mini_json::Node::Bool: return n.b;
    case mini_json::Node::Integer: return n.i;
    case mini_json::Node::Float: return n.d;
    case mini_json::Node::String: return n.s;
    default: return nullptr;
  }
}

void replay(const std::string& name) {
  // Given the inputs of one vector and a clock that replays their times
  const auto input = mini_json::parse(check::read(std::string(DVIC_VECTORS_DIR) + "/" + name + ".json"));
  const std::string expected = check::read(std::string(DVIC_VECTORS_DIR) + "/" + name + ".expected");
  std::int64_t now = 0;
  dvic_log::Options options;
  options.dir = check::temp_dir();
  if (const auto* demo = input.find("demo")) options.demo = demo->s;
  options.clock = [&now] { return now; };
  dvic_log::Logger logger(options);
  // When each call is logged and the logger closed
  for (const auto& call : input.at("calls").items) {
    now = call.at("ts_ms").i;
    dvic_log::Fields fields;
    if (const auto* f = call.find("fields")) {
      for (const auto& [key, value] : f->members) fields.emplace_back(key, to_value(value));
    }
    std::optional<dvic_log::ExceptionInfo> exc;
    if (const auto* e = call.find("exc")) exc = dvic_log::ExceptionInfo{e->at("type").s, e->at("message").s, e->at("stack").s};
    logger.log(dvic_log::parse_level(call.at("level").s), call.at("msg").s, fields, exc ? &*exc : nullptr);
  }
  logger.close();
  // Then the file, header masked, is the expected one
  const std::string actual = check::read(logger.path());
  const std::size_t nl = actual.find('\n');
  const std::string masked = mask_header(actual.substr(0, nl)) + actual.substr(nl);
  if (masked != expected) std::fprintf(stderr, "vector %s: output differs from %s.expected\n", name.c_str(), name.c_str());
  CHECK(masked == expected);
}

}  // namespace

int main() {
  std::vector<std::string> names;
  for (const auto& file : check::list_dir(DVIC_VECTORS_DIR)) {
    if (file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0) names.push_back(file.substr(0, file.size() - 5));
  }
  std::sort(names.begin(), names.end());
  std::vector<std::pair<const char*, std::function<void()>>> tests;
  tests.emplace_back("at least five vectors", [&] { CHECK(names.size() >= 5); });
  for (const auto& name : names) tests.emplace_back(name.c_str(), [&name] { replay(name); });
  return check::run(tests);
}
