#include "io/config/yaml_emit.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace allocsim::io {
namespace {

void emit(YAML::Emitter& out, const Node& node) {
  switch (node.kind()) {
    case Node::Kind::null:
      out << YAML::Null;
      return;
    case Node::Kind::scalar:
      out << node.text();
      return;
    case Node::Kind::sequence: {
      const auto& items = node.items();
      bool flat =
          std::all_of(items.begin(), items.end(), [](const Node& n) { return n.is_scalar(); });
      if (flat) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const Node& item : items) emit(out, item);
      out << YAML::EndSeq;
      return;
    }
    case Node::Kind::map:
      if (node.entries().empty()) out << YAML::Flow;  // "{}" rather than a dangling line
      out << YAML::BeginMap;
      for (const Node::Entry& e : node.entries()) {
        out << YAML::Key << e.key << YAML::Value;
        emit(out, e.value);
      }
      out << YAML::EndMap;
      return;
  }
}

}  // namespace

std::string emit_yaml(const Node& root, std::string_view header_comment) {
  YAML::Emitter out;
  if (!header_comment.empty()) out << YAML::Comment(std::string(header_comment));
  emit(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace allocsim::io
