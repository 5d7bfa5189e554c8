#include "io/config/reader.hpp"

#include <algorithm>
#include <stdexcept>

#include "io/config/suggest.hpp"
#include "io/config/units.hpp"
#include "util/printable.hpp"

namespace allocsim::io {

void fail_at(const Origin& origin, const std::string& path, const std::string& message) {
  throw ConfigError(origin, path, message);
}

Node resolved_list(const std::vector<std::string>& items) {
  Node seq = Node::sequence();
  for (const std::string& item : items) seq.items().push_back(Node::scalar(item));
  return seq;
}

// ---- Value ----

Value::Value(const Node* node, std::string path, Origin fallback)
    : node_(node), path_(std::move(path)), fallback_(std::move(fallback)) {}

const Origin& Value::origin() const {
  return node_ ? node_->origin() : fallback_;
}

void Value::fail(const std::string& message) const {
  fail_at(origin(), path_, message);
}

const std::string& Value::scalar(const char* expected) const {
  if (!node_) fail("missing required key");
  if (!node_->is_scalar()) fail(std::string("expected ") + expected + ", got " + node_->describe());
  return node_->text();
}

template <class F>
auto Value::convert(const char* expected, F&& parse) const {
  const std::string& text = scalar(expected);
  try {
    return parse(text);
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

std::string Value::as_string() const {
  return scalar("a string");
}

std::uint64_t Value::as_uint(std::uint64_t min, std::uint64_t max) const {
  std::uint64_t v = convert("an integer", [](const std::string& s) { return parse_uint(s); });
  if (v < min || v > max) {
    fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
         std::to_string(v));
  }
  return v;
}

bool Value::as_bool() const {
  return convert("a boolean", [](const std::string& s) { return parse_bool(s); });
}

std::uint64_t Value::as_size(std::uint64_t min) const {
  std::uint64_t v = convert("a size", [](const std::string& s) { return parse_size(s); });
  if (v < min) {
    fail(min == 1 ? "size must be greater than zero"
                  : "size must be at least " + format_size(min) + ", got " + format_size(v));
  }
  return v;
}

sim::Cycles Value::as_time(double ghz) const {
  return convert("a time", [ghz](const std::string& s) { return parse_time(s, ghz); });
}

double Value::as_frequency_ghz() const {
  return convert("a frequency", [](const std::string& s) { return parse_frequency_ghz(s); });
}

double Value::as_bandwidth(double ghz) const {
  return convert("a bandwidth", [ghz](const std::string& s) { return parse_bandwidth(s, ghz); });
}

std::size_t Value::as_choice(const std::vector<std::string>& names) const {
  const std::string& text = scalar(("one of " + join_alternatives(names)).c_str());
  auto it = std::find(names.begin(), names.end(), text);
  if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  std::string message =
      "unknown value '" + util::printable(text) + "' (expected " + join_alternatives(names) + ")";
  std::string hint = closest_match(text, names);
  if (!hint.empty()) message += "; did you mean '" + hint + "'?";
  fail(message);
}

std::vector<Value> Value::as_sequence() const {
  if (!node_) fail("missing required key");
  if (!node_->is_sequence()) fail("expected a sequence, got " + node_->describe());
  std::vector<Value> items;
  const std::vector<Node>& nodes = node_->items();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    items.emplace_back(&nodes[i], path_ + "[" + std::to_string(i) + "]", origin());
  }
  return items;
}

// ---- MapReader ----

MapReader::MapReader(const Node* node, std::string path, Origin fallback, Node* resolved,
                     std::vector<std::string> allowed)
    : node_(node),
      path_(std::move(path)),
      fallback_(std::move(fallback)),
      resolved_root_(resolved),
      allowed_(std::move(allowed)) {
  if (node_ && node_->is_null()) node_ = nullptr;
  if (node_ && !node_->is_map()) {
    fail_at(node_->origin(), path_, "expected a mapping, got " + node_->describe());
  }
  if (!node_) return;
  for (const Node::Entry& e : node_->entries()) {
    if (std::find(allowed_.begin(), allowed_.end(), e.key) != allowed_.end()) continue;
    std::string message = "unknown key '" + util::printable(e.key) + "'";
    std::string hint = closest_match(e.key, allowed_);
    if (!hint.empty()) {
      message += "; did you mean '" + hint + "'?";
    } else {
      message += " (expected " + join_alternatives(allowed_) + ")";
    }
    fail_at(e.key_origin, key_path(e.key), message);
  }
}

std::string MapReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const Origin& MapReader::origin() const {
  return node_ ? node_->origin() : fallback_;
}

bool MapReader::has(std::string_view key) const {
  return find_node(key) != nullptr;
}

const Node* MapReader::find_node(std::string_view key) const {
  return node_ ? node_->find(key) : nullptr;
}

Value MapReader::get(std::string_view key) {
  if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end()) {
    throw std::logic_error("config reader reads undeclared key " + key_path(key));
  }
  read_.emplace_back(key);
  return Value(find_node(key), key_path(key), origin());
}

std::optional<Value> MapReader::find(std::string_view key) {
  Value v = get(key);
  if (!v.present()) return std::nullopt;
  return v;
}

void MapReader::ignore(std::string_view key) {
  get(key);
}

std::string_view MapReader::pick(std::string_view a, std::string_view b) {
  const Node* na = find_node(a);
  const Node* nb = find_node(b);
  if (!na) return nb ? b : std::string_view();
  if (!nb) return a;
  if (na->origin().layer == nb->origin().layer) {
    const Node::Entry* later = node_->find_entry(b);
    std::string message = "'";  // appended, not "'" + ..., which trips GCC 12's -Wrestrict
    message.append(a).append("' and '").append(b).append("' are exclusive; give only one");
    fail_at(later->key_origin, key_path(b), message);
  }
  std::string_view loser = na->origin().layer < nb->origin().layer ? a : b;
  ignore(loser);
  return loser == a ? b : a;
}

std::string_view MapReader::latest(std::initializer_list<std::string_view> keys) const {
  std::string_view best = *keys.begin();
  int best_layer = -1;
  for (std::string_view key : keys) {
    const Node* n = find_node(key);
    int layer = n ? n->origin().layer : -1;
    if (layer > best_layer) {
      best = key;
      best_layer = layer;
    }
  }
  return best;
}

Node& MapReader::resolved_here() {
  Node* at = resolved_root_;
  for (const std::string& part : resolved_path_) at = at->find(part);
  return *at;
}

void MapReader::record(std::string_view key, Node value) {
  resolved_here().set(std::string(key), std::move(value));
}

MapReader MapReader::map(std::string_view key, std::vector<std::string> allowed) {
  Value v = get(key);
  MapReader child(v.present() ? &v.node() : nullptr, key_path(key), v.origin(), resolved_root_,
                  std::move(allowed));
  record(key, Node::map());
  child.resolved_path_ = resolved_path_;
  child.resolved_path_.emplace_back(key);
  return child;
}

std::uint64_t MapReader::uint(std::string_view key, std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = get(key).as_uint(min, max);
  record(key, std::to_string(v));
  return v;
}

bool MapReader::boolean(std::string_view key) {
  bool v = get(key).as_bool();
  record(key, v ? "true" : "false");
  return v;
}

std::string MapReader::string(std::string_view key) {
  std::string v = get(key).as_string();
  record(key, v);
  return v;
}

std::uint64_t MapReader::size(std::string_view key, std::uint64_t min) {
  std::uint64_t v = get(key).as_size(min);
  record(key, format_size(v));
  return v;
}

sim::Cycles MapReader::time(std::string_view key, double ghz) {
  sim::Cycles v = get(key).as_time(ghz);
  record(key, std::to_string(v) + "cycles");
  return v;
}

double MapReader::frequency_ghz(std::string_view key) {
  double v = get(key).as_frequency_ghz();
  record(key, format_double(v) + "GHz");
  return v;
}

double MapReader::bandwidth(std::string_view key, double ghz) {
  double v = get(key).as_bandwidth(ghz);
  record(key, format_double(v) + "B/cycle");
  return v;
}

void MapReader::done() const {
  if (!node_) return;
  for (const Node::Entry& e : node_->entries()) {
    if (std::find(read_.begin(), read_.end(), e.key) == read_.end()) {
      throw std::logic_error("config reader did not read " + key_path(e.key));
    }
  }
}

}  // namespace allocsim::io
