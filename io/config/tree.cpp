#include "io/config/tree.hpp"

#include <algorithm>
#include <utility>

#include "util/printable.hpp"

namespace allocsim::io {

Node Node::scalar(std::string text, Origin origin) {
  Node n;
  n.kind_ = Kind::scalar;
  n.text_ = std::move(text);
  n.origin_ = std::move(origin);
  return n;
}

Node Node::sequence() {
  return sequence({}, Origin{});
}

Node Node::sequence(std::vector<Node> items, Origin origin) {
  Node n;
  n.kind_ = Kind::sequence;
  n.items_ = std::move(items);
  n.origin_ = std::move(origin);
  return n;
}

Node Node::map(Origin origin) {
  Node n;
  n.kind_ = Kind::map;
  n.origin_ = std::move(origin);
  return n;
}

const Node::Entry* Node::find_entry(std::string_view key) const {
  auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  return it == entries_.end() ? nullptr : &*it;
}

const Node* Node::find(std::string_view key) const {
  const Entry* e = find_entry(key);
  return e ? &e->value : nullptr;
}

Node* Node::find(std::string_view key) {
  return const_cast<Node*>(std::as_const(*this).find(key));
}

Node& Node::set(std::string key, Node value, Origin key_origin) {
  if (kind_ != Kind::map) {
    Origin keep = origin_;
    *this = map(std::move(keep));
  }
  if (Node* existing = find(key)) return *existing = std::move(value);
  entries_.push_back(Entry{std::move(key), std::move(key_origin), std::move(value)});
  return entries_.back().value;
}

bool Node::erase(std::string_view key) {
  auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

std::string Node::describe() const {
  switch (kind_) {
    case Kind::null:
      return "nothing";
    case Kind::scalar:
      return std::string("'").append(util::printable(text_)).append("'");
    case Kind::sequence:
      return "a sequence";
    case Kind::map:
      return "a mapping";
  }
  return "?";
}

void merge_into(Node& base, const Node& overlay) {
  if (base.is_map() && overlay.is_null()) return;
  if (!base.is_map() || !overlay.is_map()) {
    base = overlay;
    return;
  }
  for (const Node::Entry& e : overlay.entries()) {
    if (Node* existing = base.find(e.key)) {
      merge_into(*existing, e.value);
    } else {
      base.set(e.key, e.value, e.key_origin);
    }
  }
}

}  // namespace allocsim::io
