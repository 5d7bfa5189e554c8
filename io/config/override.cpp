#include "io/config/override.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "io/config/yaml_parse.hpp"
#include "util/printable.hpp"

namespace allocsim::io {
namespace {

// Every node of an override value carries the same position-less origin.
void stamp(Node& node, const Origin& origin) {
  node.set_origin(origin);
  for (Node& item : node.items()) stamp(item, origin);
  for (Node::Entry& e : node.entries()) {
    e.key_origin = origin;
    stamp(e.value, origin);
  }
}

std::vector<std::string> split_key(std::string_view key, const Origin& origin) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = key.find('.', start);
    std::string_view part = key.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty()) throw ConfigError(origin, std::string(key), "empty component in dotted key");
    parts.emplace_back(part);
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

bool parse_index(const std::string& part, std::size_t& index) {
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
  return ec == std::errc() && end == part.data() + part.size();
}

}  // namespace

void apply_set(Node& root, std::string_view assignment, int layer, const std::string& file) {
  Origin origin{file, 0, 0, layer};
  std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    throw ConfigError(origin, std::string(assignment), "expected KEY=VALUE");
  }
  std::string key(assignment.substr(0, eq));
  std::string_view text = assignment.substr(eq + 1);
  std::vector<std::string> parts = split_key(key, origin);

  Node value;
  try {
    value = parse_yaml(text, file, layer);
  } catch (const ConfigError& e) {
    throw ConfigError(origin, key, "invalid value '" + util::printable(text) + "': " + e.message);
  }
  stamp(value, origin);

  Node* at = &root;
  for (const std::string& part : parts) {
    std::size_t index = 0;
    if (at->is_sequence() && parse_index(part, index)) {
      if (index >= at->items().size()) {
        throw ConfigError(origin, key,
                          "index " + part + " is out of range: the sequence has " +
                              std::to_string(at->items().size()) + " items");
      }
      at = &at->items()[index];
      continue;
    }
    if (!at->is_map()) *at = Node::map(origin);
    Node* child = at->find(part);
    if (!child) {
      Node placeholder;  // null until the value is merged into it
      placeholder.set_origin(origin);
      child = &at->set(part, std::move(placeholder), origin);
    }
    at = child;
  }
  merge_into(*at, value);
}

}  // namespace allocsim::io
