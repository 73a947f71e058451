// A small JSON reader for the test inputs (vectors); the library itself only writes JSON.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mini_json {

struct Node {
  enum Kind { Null, Bool, Integer, Float, String, Array, Object } kind = Null;
  bool b = false;
  long long i = 0;
  double d = 0;
  std::string s;
  std::vector<Node> items;                            // Array
  std::vector<std::pair<std::string, Node>> members;  // Object, in document order

  const Node* find(const std::string& key) const {
    for (const auto& [k, v] : members) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  const Node& at(const std::string& key) const {
    const Node* n = find(key);
    if (!n) throw std::runtime_error("missing key " + key);
    return *n;
  }
};

class Parser {
 public:
  explicit Parser(const std::string& text) : t_(text) {}

  Node parse() {
    Node n = value();
    ws();
    if (p_ != t_.size()) fail("trailing data");
    return n;
  }

 private:
  [[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("json: ") + what + " at " + std::to_string(p_)); }
  void ws() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\r' || t_[p_] == '\t')) ++p_;
  }
  bool eat(const char* word) {
    const std::string w(word);
    if (t_.compare(p_, w.size(), w) != 0) return false;
    p_ += w.size();
    return true;
  }
  Node value() {
    ws();
    if (p_ >= t_.size()) fail("unexpected end");
    Node n;
    const char c = t_[p_];
    if (c == '{') {
      n.kind = Node::Object;
      ++p_;
      ws();
      if (t_[p_] == '}') return ++p_, n;
      for (;;) {
        ws();
        std::string key = string();
        ws();
        if (t_[p_++] != ':') fail("expected :");
        n.members.emplace_back(std::move(key), value());
        ws();
        if (t_[p_] == ',') {
          ++p_;
          continue;
        }
        if (t_[p_++] != '}') fail("expected }");
        return n;
      }
    }
    if (c == '[') {
      n.kind = Node::Array;
      ++p_;
      ws();
      if (t_[p_] == ']') return ++p_, n;
      for (;;) {
        n.items.push_back(value());
        ws();
        if (t_[p_] == ',') {
          ++p_;
          continue;
        }
        if (t_[p_++] != ']') fail("expected ]");
        return n;
      }
    }
    if (c == '"') {
      n.kind = Node::String;
      n.s = string();
      return n;
    }
    if (eat("true")) return n.kind = Node::Bool, n.b = true, n;
    if (eat("false")) return n.kind = Node::Bool, n;
    if (eat("null")) return n;
    const std::size_t start = p_;
    bool is_float = false;
    while (p_ < t_.size() && std::string("+-0123456789.eE").find(t_[p_]) != std::string::npos) {
      is_float |= t_[p_] == '.' || t_[p_] == 'e' || t_[p_] == 'E';
      ++p_;
    }
    const std::string num = t_.substr(start, p_ - start);
    if (num.empty()) fail("unexpected character");
    if (is_float) {
      n.kind = Node::Float;
      n.d = std::strtod(num.c_str(), nullptr);
    } else {
      n.kind = Node::Integer;
      n.i = std::strtoll(num.c_str(), nullptr, 10);
    }
    return n;
  }
  unsigned hex4() {
    if (p_ + 4 > t_.size()) fail("short \\u escape");
    const unsigned v = static_cast<unsigned>(std::stoul(t_.substr(p_, 4), nullptr, 16));
    p_ += 4;
    return v;
  }
  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::string string() {
    if (t_[p_++] != '"') fail("expected string");
    std::string out;
    for (;;) {
      if (p_ >= t_.size()) fail("unterminated string");
      const char c = t_[p_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = t_[p_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && t_.compare(p_, 2, "\\u") == 0) {
            p_ += 2;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4() - 0xDC00);
          }
          utf8(out, cp);
          break;
        }
        default: out += e;  // \" \\ \/
      }
    }
  }

  const std::string& t_;
  std::size_t p_ = 0;
};

inline Node parse(const std::string& text) { return Parser(text).parse(); }

}  // namespace mini_json
