#pragma once
// Typed reading of the merged config tree. A MapReader walks one mapping:
// unknown keys are rejected up front (with a did-you-mean hint), every key it
// reads is marked, and every value it reads is written in canonical form into
// a "resolved" tree, which `allocsim validate` prints and which loads back to
// the same configuration. All errors are ConfigError naming the dotted key.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/config/tree.hpp"
#include "sim/types.hpp"

namespace allocsim::io {

template <class E>
using EnumName = std::pair<std::string_view, E>;

// One value of the tree with its dotted path; `node` is null when absent.
class Value {
 public:
  Value(const Node* node, std::string path, Origin fallback);

  bool present() const { return node_ != nullptr; }
  const Node& node() const { return *node_; }
  const std::string& path() const { return path_; }
  const Origin& origin() const;
  [[noreturn]] void fail(const std::string& message) const;

  std::string as_string() const;
  std::uint64_t as_uint(std::uint64_t min = 0,
                        std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const;
  bool as_bool() const;
  std::uint64_t as_size(std::uint64_t min = 1) const;
  sim::Cycles as_time(double ghz) const;
  double as_frequency_ghz() const;
  double as_bandwidth(double ghz) const;
  // Index of the scalar in `names`; the error lists them all.
  std::size_t as_choice(const std::vector<std::string>& names) const;
  template <class E, std::size_t N>
  E as_enum(const std::array<EnumName<E>, N>& table) const {
    return table[as_choice(names_of(table))].second;
  }
  // Items, with paths such as machine.cpu_nodes[3].
  std::vector<Value> as_sequence() const;

  template <class E, std::size_t N>
  static std::vector<std::string> names_of(const std::array<EnumName<E>, N>& table) {
    std::vector<std::string> names;
    for (const auto& entry : table) names.emplace_back(entry.first);
    return names;
  }

 private:
  const std::string& scalar(const char* expected) const;
  template <class F>
  auto convert(const char* expected, F&& parse) const;

  const Node* node_;
  std::string path_;
  Origin fallback_;
};

class MapReader {
 public:
  // Reads `node` (null or absent counts as an empty mapping) at dotted `path`,
  // recording into `resolved` (the resolved tree's root). `allowed` lists
  // every key this mapping may have.
  MapReader(const Node* node, std::string path, Origin fallback, Node* resolved,
            std::vector<std::string> allowed);

  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;
  const Origin& origin() const;
  bool has(std::string_view key) const;
  const Node* find_node(std::string_view key) const;

  // A required value (the embedded default provides every one), or an
  // optional one. Both mark the key as read but record nothing.
  Value get(std::string_view key);
  std::optional<Value> find(std::string_view key);
  // Marks a present key as deliberately unused.
  void ignore(std::string_view key);
  // Two exclusive keys: the one to use, or "" if neither is present. When both
  // are, the one from the later file or --set wins; in one file it is an error.
  std::string_view pick(std::string_view a, std::string_view b);
  // Of several keys, the one set last (highest merge layer; first on ties):
  // a check involving several values blames the one most likely just changed.
  std::string_view latest(std::initializer_list<std::string_view> keys) const;

  // Typed values, recorded in canonical form.
  MapReader map(std::string_view key, std::vector<std::string> allowed);
  std::uint64_t uint(std::string_view key, std::uint64_t min = 0,
                     std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
  bool boolean(std::string_view key);
  std::string string(std::string_view key);
  std::uint64_t size(std::string_view key, std::uint64_t min = 1);
  sim::Cycles time(std::string_view key, double ghz);
  double frequency_ghz(std::string_view key);
  double bandwidth(std::string_view key, double ghz);
  template <class E, std::size_t N>
  E enumeration(std::string_view key, const std::array<EnumName<E>, N>& table) {
    E value = get(key).as_enum(table);
    for (const auto& [name, e] : table) {
      if (e == value) record(key, std::string(name));
    }
    return value;
  }

  // Writes a resolved value (for lists and derived values).
  void record(std::string_view key, Node value);
  void record(std::string_view key, std::string scalar) {
    record(key, Node::scalar(std::move(scalar)));
  }
  // Checks that the section reader consumed every key it allowed and found;
  // a miss is a bug in the reader, not in the config (std::logic_error).
  void done() const;

 private:
  Node& resolved_here();

  const Node* node_;
  std::string path_;
  Origin fallback_;
  Node* resolved_root_;
  std::vector<std::string> resolved_path_;
  std::vector<std::string> allowed_;
  std::vector<std::string> read_;
};

// Throws ConfigError(origin, path, message).
[[noreturn]] void fail_at(const Origin& origin, const std::string& path,
                          const std::string& message);

// Resolved-tree helpers for lists of canonical scalars.
Node resolved_list(const std::vector<std::string>& items);

}  // namespace allocsim::io
