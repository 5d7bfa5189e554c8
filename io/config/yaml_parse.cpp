#include "io/config/yaml_parse.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "io/config/yaml_limits.hpp"

namespace allocsim::io {
namespace {

Origin origin_of(const YAML::Mark& mark, const std::string& file, int layer,
                 const Origin& fallback) {
  // yaml-cpp marks are 0-based; implicit nulls have no mark (-1).
  if (mark.line < 0) return fallback;
  return Origin{file, mark.line + 1, mark.column + 1, layer};
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

Node convert(const YAML::Node& y, const std::string& file, int layer, const Origin& fallback,
             const std::string& path) {
  Origin here = origin_of(y.Mark(), file, layer, fallback);
  switch (y.Type()) {
    case YAML::NodeType::Scalar:
      return Node::scalar(y.Scalar(), here);
    case YAML::NodeType::Sequence: {
      Node seq = Node::sequence({}, here);
      for (const YAML::Node& item : y) {
        std::string item_path = path + "[" + std::to_string(seq.items().size()) + "]";
        seq.items().push_back(convert(item, file, layer, here, item_path));
      }
      return seq;
    }
    case YAML::NodeType::Map: {
      Node map = Node::map(here);
      for (const auto& kv : y) {
        Origin key_origin = origin_of(kv.first.Mark(), file, layer, here);
        if (!kv.first.IsScalar()) {
          throw ConfigError(key_origin, path, "map keys must be plain scalars");
        }
        const std::string& key = kv.first.Scalar();
        if (map.find(key)) throw ConfigError(key_origin, join(path, key), "duplicate key");
        // A null value (`key:`) has no position of its own: use the key's.
        Node value = convert(kv.second, file, layer, key_origin, join(path, key));
        if (value.is_null()) value.set_origin(key_origin);
        map.set(key, std::move(value), key_origin);
      }
      return map;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  Node null;
  null.set_origin(here);
  return null;
}

}  // namespace

Node parse_yaml(std::string_view text, const std::string& file, int layer) {
  Origin whole{file, 0, 0, layer};
  check_yaml_limits(text, file, layer);  // before yaml-cpp builds (and we expand) anything
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    if (docs.size() > 1)
      throw ConfigError(whole, "",
                        "expected one YAML document, found " + std::to_string(docs.size()));
    if (docs.empty()) {
      Node null;
      null.set_origin(whole);
      return null;
    }
    return convert(docs.front(), file, layer, Origin{file, 1, 1, layer}, "");
  } catch (const YAML::Exception& e) {
    // e.mark is 0-based; e.msg is the message without yaml-cpp's own prefix.
    Origin at{file, e.mark.line + 1, e.mark.column + 1, layer};
    if (e.mark.line < 0) at = whole;
    throw ConfigError(at, "", "YAML syntax error: " + e.msg);
  }
}

Node parse_yaml_file(const std::string& path, int layer) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(Origin{path, 0, 0, layer}, "",
                      std::string("cannot open config file: ") + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_yaml(text.str(), path, layer);
}

}  // namespace allocsim::io
