#include "io/config/yaml_limits.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <vector>

#include "io/config/error.hpp"
#include "io/config/units.hpp"
#include "util/printable.hpp"

namespace allocsim::io {
namespace {

// Counts what converting the document would build (every alias expanded to
// a copy of its anchor's node, as parse_yaml's tree does) without building
// anything: per open collection the nodes and scalar bytes inside it, per
// anchor the totals of its finished node. Memory: O(depth + anchors).
class LimitCounter : public YAML::EventHandler {
 public:
  // Written nodes take at least a byte of text each (an implicit null value
  // shares its key's): more is yaml-cpp looping on malformed input.
  LimitCounter(const std::string& file, int layer, std::size_t text_bytes)
      : file_(file), layer_(layer), max_written_(2 * text_bytes + 2) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    add(mark, 1, 0);
    finish_anchor(anchor, 1, 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    add(mark, 1, value.size());
    finish_anchor(anchor, 1, value.size());
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const Anchor& a = anchor < anchors_.size() ? anchors_[anchor] : Anchor{};
    const std::string name = std::string("*").append(util::printable(a.name));
    if (a.open)
      fail(mark, "recursive alias " + name +
                     ": it names a node that contains the alias itself (its anchor is still open)");
    alias_nodes_ += a.nodes;
    alias_bytes_ += a.bytes;
    if (alias_nodes_ > kMaxAliasNodes)
      fail(mark, "alias " + name + " (" + std::to_string(a.nodes) + " nodes) brings what " +
                     "aliases add to " + std::to_string(alias_nodes_) + " nodes; the limit is " +
                     std::to_string(kMaxAliasNodes) + " (an alias bomb?)");
    if (alias_bytes_ > kMaxAliasBytes)
      fail(mark, "alias " + name + " (" + std::to_string(a.bytes) + " bytes of text) brings " +
                     "what aliases add to " + std::to_string(alias_bytes_) +
                     " bytes; the limit is " + format_size(kMaxAliasBytes));
    add(mark, a.nodes, a.bytes, true);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Anchor {
    std::string name;
    bool open = false;
    std::size_t nodes = 0, bytes = 0;
  };
  struct Frame {
    YAML::anchor_t anchor;
    std::size_t nodes = 1, bytes = 0;  // the collection itself and what is inside it
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    throw ConfigError(Origin{file_, mark.line + 1, mark.column + 1, layer_}, "", message);
  }

  Anchor& anchor_slot(YAML::anchor_t anchor) {
    if (anchor >= anchors_.size()) anchors_.resize(anchor + 1);
    return anchors_[anchor];
  }

  // A node (or an alias's copy) of `nodes` nodes and `bytes` of text.
  void add(const YAML::Mark& mark, std::size_t nodes, std::size_t bytes, bool alias = false) {
    total_ += nodes;
    if (!alias && ++written_ > max_written_)
      fail(mark, "the parser reports more nodes than the text can hold (" +
                     std::to_string(written_) + " from " + std::to_string(max_written_ / 2 - 1) +
                     " bytes): malformed input");
    if (total_ > kMaxYamlNodes)
      fail(mark, "more than " + std::to_string(kMaxYamlNodes) +
                     " nodes (counting each alias as a copy of its anchor's node)");
    if (!stack_.empty()) {
      stack_.back().nodes += nodes;
      stack_.back().bytes += bytes;
    }
  }

  void finish_anchor(YAML::anchor_t anchor, std::size_t nodes, std::size_t bytes) {
    if (anchor == YAML::NullAnchor) return;
    Anchor& a = anchor_slot(anchor);
    if (a.name.empty()) a.name = std::move(pending_name_);
    a.open = false;
    a.nodes = nodes;
    a.bytes = bytes;
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= kMaxYamlDepth)
      fail(mark, "collections nested more than " + std::to_string(kMaxYamlDepth) + " deep");
    add(mark, 1, 0);
    if (anchor != YAML::NullAnchor) {
      Anchor& a = anchor_slot(anchor);
      a.name = std::move(pending_name_);
      a.open = true;
    }
    stack_.push_back(Frame{anchor});
  }

  void close() {
    const Frame f = stack_.back();
    stack_.pop_back();
    if (!stack_.empty()) {  // its own node was counted at the start
      stack_.back().nodes += f.nodes - 1;
      stack_.back().bytes += f.bytes;
    }
    finish_anchor(f.anchor, f.nodes, f.bytes);
  }

  const std::string& file_;
  int layer_;
  std::string pending_name_;
  std::vector<Anchor> anchors_;  // by yaml-cpp's anchor number (1, 2, ...)
  std::vector<Frame> stack_;
  std::size_t max_written_;
  std::size_t total_ = 0, written_ = 0, alias_nodes_ = 0, alias_bytes_ = 0;
};

void check_text(std::string_view text, const std::string& file, int layer) {
  if (text.size() > kMaxYamlBytes)
    throw ConfigError(Origin{file, 0, 0, layer}, "",
                      "the document is " + format_size(text.size()) + " long; the limit is " +
                          format_size(kMaxYamlBytes));
  int line = 1;
  for (std::size_t start = 0; start < text.size(); ++line) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end - start > kMaxYamlLineBytes)
      throw ConfigError(Origin{file, line, 0, layer}, "",
                        "line " + std::to_string(line) + " is " + std::to_string(end - start) +
                            " bytes long; the limit is " + format_size(kMaxYamlLineBytes) +
                            " (a long flow sequence can be split over several lines)");
    start = end + 1;
  }
}

}  // namespace

void check_yaml_limits(std::string_view text, const std::string& file, int layer) {
  check_text(text, file, layer);
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  LimitCounter counter(file, layer, text.size());
  try {
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const YAML::Exception&) {
    // The syntax error is reported by the parse that follows, at the same place.
  }
}

}  // namespace allocsim::io
