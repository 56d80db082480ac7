#include "util/yaml_reader.h"

#include <yaml.h>

#include <map>
#include <memory>

namespace mlaudit {
struct YamlTreeAccess;
}

namespace YAML {
// yaml-cpp attaches marks and shares one node pool only inside its own parser. Node
// befriends every `as_if` specialisation; this one is our door to that constructor.
template <>
struct as_if<mlaudit::YamlTreeAccess, mlaudit::YamlTreeAccess> {
  static Node wrap(detail::node& node, const detail::shared_memory_holder& memory) { return Node(node, memory); }
};
}  // namespace YAML

namespace mlaudit {
namespace {

using Access = YAML::as_if<YamlTreeAccess, YamlTreeAccess>;

YAML::Mark mark_of(const yaml_mark_t& mark) {
  YAML::Mark converted;
  converted.pos = static_cast<int>(std::min<size_t>(mark.index, INT32_MAX));
  converted.line = static_cast<int>(std::min<size_t>(mark.line, INT32_MAX));
  converted.column = static_cast<int>(std::min<size_t>(mark.column, INT32_MAX));
  return converted;
}

bool is_null_text(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// Builds one document at a time from events, with an explicit stack (no recursion).
class TreeBuilder {
 public:
  explicit TreeBuilder(const YamlBudget& budget) : budget_(budget) {}

  // Each returns an error message when a budget or the structure forbids going on.
  std::optional<YamlStop> start_document() {
    memory_ = std::make_shared<YAML::detail::memory_holder>();
    root_ = nullptr;
    anchors_.clear();
    return std::nullopt;
  }

  std::optional<YamlStop> scalar(const yaml_event_t& event) {
    const auto& data = event.data.scalar;
    std::string_view value(reinterpret_cast<const char*>(data.value), data.length);
    YAML::detail::node& node = create(event.start_mark);
    std::string tag = data.tag ? reinterpret_cast<const char*>(data.tag) : "";
    bool plain = data.style == YAML_PLAIN_SCALAR_STYLE || data.style == YAML_ANY_SCALAR_STYLE;
    if (tag.empty() && plain && is_null_text(value)) {
      node.set_null();
    } else {
      node.set_scalar(std::string(value));
      node.set_tag(tag.empty() ? (plain ? "?" : "!") : tag);
    }
    return place(node, data.anchor, 1, 0, event.start_mark);
  }

  std::optional<YamlStop> start_collection(const yaml_event_t& event, bool map) {
    if (stack_.size() + 1 > budget_.max_depth)
      return limit("nesting deeper than " + std::to_string(budget_.max_depth) + " levels", "nesting_depth", event.start_mark);
    uint64_t nodes_before = nodes_;
    if (++nodes_ > budget_.max_nodes)
      return limit("more than " + std::to_string(budget_.max_nodes) + " nodes, aliases expanded", "yaml_nodes",
                   event.start_mark);
    YAML::detail::node& node = create(event.start_mark);
    const yaml_char_t* tag = map ? event.data.mapping_start.tag : event.data.sequence_start.tag;
    const yaml_char_t* anchor = map ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
    node.set_type(map ? YAML::NodeType::Map : YAML::NodeType::Sequence);
    node.set_tag(tag ? reinterpret_cast<const char*>(tag) : "?");
    stack_.push_back({&node, nullptr, nodes_before, 0, anchor ? reinterpret_cast<const char*>(anchor) : ""});
    return std::nullopt;
  }

  std::optional<YamlStop> end_collection(const yaml_event_t& event) {
    Frame frame = stack_.back();
    stack_.pop_back();
    // Anchors become usable only once their node is complete: an alias inside its own
    // anchor would make a cycle, which yaml-cpp's readers would walk forever.
    return place(*frame.node, frame.anchor.empty() ? nullptr : reinterpret_cast<const yaml_char_t*>(frame.anchor.c_str()),
                 nodes_ - frame.nodes_at_start, frame.height + 1, event.start_mark, /*counted=*/true);
  }

  std::optional<YamlStop> alias(const yaml_event_t& event) {
    std::string name = reinterpret_cast<const char*>(event.data.alias.anchor);
    auto found = anchors_.find(name);
    if (found == anchors_.end()) {
      YamlStop stop;
      stop.message = "alias *" + name + " refers to no complete anchored node before it (undefined, or the node contains its own alias)";
      stop.line = static_cast<uint32_t>(event.start_mark.line + 1);
      stop.column = static_cast<uint32_t>(event.start_mark.column + 1);
      return stop;
    }
    const Anchor& anchor = found->second;
    if (stack_.size() + anchor.height > budget_.max_depth)
      return limit("an alias nests deeper than " + std::to_string(budget_.max_depth) + " levels", "nesting_depth",
                   event.start_mark);
    // The alias shares the node (as yaml-cpp does) but counts as the nodes it stands for.
    return place(*anchor.node, nullptr, anchor.size, anchor.height, event.start_mark);
  }

  YAML::Node document() const {
    if (!root_) return YAML::Node();
    return Access::wrap(*root_, memory_);
  }

 private:
  struct Frame {
    YAML::detail::node* node;
    YAML::detail::node* pending_key;  // maps: the key waiting for its value
    uint64_t nodes_at_start;          // nodes_ before this one was counted
    uint64_t height;                  // of the tallest child so far
    std::string anchor;
  };
  struct Anchor {
    YAML::detail::node* node;
    uint64_t size, height;
  };

  YAML::detail::node& create(const yaml_mark_t& mark) {
    YAML::detail::node& node = memory_->create_node();
    node.set_mark(mark_of(mark));
    return node;
  }

  std::optional<YamlStop> limit(const std::string& what, const char* name, const yaml_mark_t& mark) const {
    YamlStop stop;
    stop.kind = YamlStop::Kind::limit;
    stop.message = what;
    stop.limit = name;
    stop.line = static_cast<uint32_t>(mark.line + 1);
    stop.column = static_cast<uint32_t>(mark.column + 1);
    return stop;
  }

  // Puts a finished node (of `size` nodes and `height` levels) into its parent.
  std::optional<YamlStop> place(YAML::detail::node& node, const yaml_char_t* anchor, uint64_t size, uint64_t height,
                                const yaml_mark_t& mark, bool counted = false) {
    if (!counted) nodes_ += size;
    if (nodes_ > budget_.max_nodes)
      return limit("more than " + std::to_string(budget_.max_nodes) + " nodes, aliases expanded", "yaml_nodes", mark);
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = {&node, size, height};
    if (stack_.empty()) {
      root_ = &node;
      return std::nullopt;
    }
    Frame& parent = stack_.back();
    parent.height = std::max(parent.height, height);
    if (parent.node->type() == YAML::NodeType::Sequence) {
      parent.node->push_back(node, memory_);
    } else if (!parent.pending_key) {
      parent.pending_key = &node;
    } else {
      parent.node->insert(*parent.pending_key, node, memory_);
      parent.pending_key = nullptr;
    }
    return std::nullopt;
  }

  const YamlBudget& budget_;
  YAML::detail::shared_memory_holder memory_;
  YAML::detail::node* root_ = nullptr;
  std::vector<Frame> stack_;
  std::map<std::string, Anchor> anchors_;
  uint64_t nodes_ = 0;  // over the whole stream: a budget per file, not per document
};

YamlStop syntax_error(const yaml_parser_t& parser) {
  YamlStop stop;
  stop.message = parser.problem ? parser.problem : "cannot be parsed";
  if (parser.context) stop.message += std::string(" ") + parser.context;
  const yaml_mark_t& mark = parser.problem ? parser.problem_mark : parser.context_mark;
  stop.line = static_cast<uint32_t>(mark.line + 1);
  stop.column = static_cast<uint32_t>(mark.column + 1);
  if (parser.error == YAML_MEMORY_ERROR) stop.message = "libyaml ran out of memory";
  return stop;
}

}  // namespace

YamlDocuments read_yaml(std::string_view text, const YamlBudget& budget) {
  YamlDocuments result;
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    result.stop = YamlStop{YamlStop::Kind::syntax, "libyaml could not start", "", 0, 0};
    return result;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  TreeBuilder builder(budget);
  uint64_t events = 0;
  bool done = false;
  while (!done) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      result.stop = syntax_error(parser);
      break;
    }
    std::optional<YamlStop> stop;
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT: stop = builder.start_document(); break;
      case YAML_DOCUMENT_END_EVENT: result.documents.push_back(builder.document()); break;
      case YAML_SCALAR_EVENT: stop = builder.scalar(event); break;
      case YAML_SEQUENCE_START_EVENT: stop = builder.start_collection(event, false); break;
      case YAML_MAPPING_START_EVENT: stop = builder.start_collection(event, true); break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: stop = builder.end_collection(event); break;
      case YAML_ALIAS_EVENT: stop = builder.alias(event); break;
      case YAML_STREAM_END_EVENT: done = true; break;
      default: break;
    }
    if (!stop && (++events & 0x3FF) == 0 && budget.deadline.passed()) {
      stop = YamlStop{YamlStop::Kind::limit, "parsing ran out of time", "file_seconds",
                      static_cast<uint32_t>(event.start_mark.line + 1), static_cast<uint32_t>(event.start_mark.column + 1)};
    }
    yaml_event_delete(&event);
    if (stop) {
      result.stop = std::move(stop);
      break;
    }
  }
  yaml_parser_delete(&parser);
  return result;
}

}  // namespace mlaudit
