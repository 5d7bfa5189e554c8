#pragma once
// The config tree: what yaml-cpp parsed, re-built so that every node keeps its
// Origin (yaml-cpp nodes lose it on copy and merge), map keys keep document
// order, and several files and --set overrides can be merged.
#include <string>
#include <string_view>
#include <vector>

#include "io/config/error.hpp"

namespace allocsim::io {

class Node {
 public:
  enum class Kind : unsigned char { null, scalar, sequence, map };
  struct Entry;  // one key of a map, defined below

  // Declared here, defaulted below Entry: with Entry still incomplete here,
  // clang (unlike GCC) would instantiate vector<Entry>'s members too early.
  Node();
  Node(const Node&);
  Node(Node&&) noexcept;
  Node& operator=(const Node&);
  Node& operator=(Node&&) noexcept;
  ~Node();
  static Node scalar(std::string text, Origin origin = {});
  static Node sequence();
  static Node sequence(std::vector<Node> items, Origin origin = {});
  static Node map(Origin origin = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_scalar() const { return kind_ == Kind::scalar; }
  bool is_sequence() const { return kind_ == Kind::sequence; }
  bool is_map() const { return kind_ == Kind::map; }
  const Origin& origin() const { return origin_; }
  void set_origin(Origin origin) { origin_ = std::move(origin); }

  const std::string& text() const { return text_; }          // scalar text
  const std::vector<Node>& items() const { return items_; }  // sequence items
  std::vector<Node>& items() { return items_; }
  const std::vector<Entry>& entries() const { return entries_; }  // map keys in order
  std::vector<Entry>& entries() { return entries_; }

  // Map access; null when absent (or when this is not a map).
  const Entry* find_entry(std::string_view key) const;
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  // Replaces the value of `key` in place, or appends it; turns a non-map into
  // an empty map first. Returns the stored value.
  Node& set(std::string key, Node value, Origin key_origin = {});
  bool erase(std::string_view key);

  // "a word" for error messages: "a mapping", "a sequence", "'text'", "nothing".
  std::string describe() const;

 private:
  Kind kind_ = Kind::null;
  Origin origin_;
  std::string text_;
  std::vector<Node> items_;
  std::vector<Entry> entries_;
};

struct Node::Entry {
  std::string key;
  Origin key_origin;  // where the key itself was written
  Node value;
};

inline Node::Node() = default;
inline Node::Node(const Node&) = default;
inline Node::Node(Node&&) noexcept = default;
inline Node& Node::operator=(const Node&) = default;
inline Node& Node::operator=(Node&&) noexcept = default;
inline Node::~Node() = default;

// Merges `overlay` into `base`: maps merge key by key (recursively); anything
// else replaces. A null overlay on a map (`l1d:` with nothing after it) keeps
// the map, since an empty section should not erase the defaults.
void merge_into(Node& base, const Node& overlay);

}  // namespace allocsim::io
