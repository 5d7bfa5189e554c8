#include "io/config/workload_repeat.hpp"

#include <cctype>
#include <vector>

#include "io/config/reader.hpp"

namespace allocsim::io {
namespace {

// ${name} -> text in every scalar value (keys stay as written).
void replace_index(Node& n, const std::string& token, const std::string& text) {
  if (n.is_scalar()) {
    std::string s = n.text();
    bool changed = false;
    for (std::size_t at = s.find(token); at != std::string::npos; at = s.find(token, at)) {
      s.replace(at, token.size(), text);
      at += text.size();
      changed = true;
    }
    if (changed) {
      const Origin o = n.origin();
      n = Node::scalar(std::move(s), o);
    }
  } else if (n.is_sequence()) {
    for (Node& item : n.items()) replace_index(item, token, text);
  } else if (n.is_map()) {
    for (Node::Entry& e : n.entries()) replace_index(e.value, token, text);
  }
}

bool is_identifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

std::string repeat_index_name(const Node& item) {
  if (!item.is_map() || !item.find("repeat")) return "";
  const Node* as = item.find("as");
  return as && as->is_scalar() ? as->text() : std::string(kDefaultRepeatIndex);
}

void expand_repeats(Node& threads, const std::string& path) {
  if (!threads.is_sequence()) return;
  std::vector<Node> out;
  for (std::size_t i = 0; i < threads.items().size(); ++i) {
    Node& item = threads.items()[i];
    if (repeat_index_name(item).empty()) {
      out.push_back(std::move(item));
      continue;
    }
    Node scratch = Node::map();
    MapReader r(&item, path + "[" + std::to_string(i) + "]", item.origin(), &scratch,
                {"repeat", "as", "threads"});
    const std::uint64_t count = r.get("repeat").as_uint(1, kMaxRepeat);
    std::string index(kDefaultRepeatIndex);
    if (std::optional<Value> as = r.find("as")) {
      index = as->as_string();
      if (!is_identifier(index)) as->fail("an index name is letters, digits and '_'");
    }
    const Value templates = r.get("threads");
    const std::vector<Value> items = templates.as_sequence();
    if (items.empty()) templates.fail("a repeat needs at least one thread");
    for (const Value& t : items)
      if (!repeat_index_name(t.node()).empty()) t.fail("a repeat cannot hold another repeat");
    const std::string token = "${" + index + "}";
    for (std::uint64_t k = 0; k < count; ++k)
      for (const Value& t : items) {
        Node copy = t.node();
        replace_index(copy, token, std::to_string(k));
        out.push_back(std::move(copy));
      }
  }
  const Origin o = threads.origin();
  threads = Node::sequence(std::move(out), o);
}

}  // namespace allocsim::io
