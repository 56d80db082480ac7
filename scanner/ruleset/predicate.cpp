#include "ruleset/predicate.h"

#include <re2/re2.h>

#include "ruleset/named_list.h"
#include "util/text.h"

namespace mlaudit {
namespace {

// Equality that tolerates the ways facts store scalars ("5000" vs 5000, true vs "true").
bool loose_equal(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b) {
  if (a.type() == b.type()) return a == b;
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  auto as_text = [](const nlohmann::ordered_json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
  };
  if (a.is_primitive() && b.is_primitive()) return as_text(a) == as_text(b);
  return false;
}

std::string scalar_text(const nlohmann::ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

class AllOf final : public Predicate {
 public:
  explicit AllOf(std::vector<std::unique_ptr<Predicate>> parts) : parts_(std::move(parts)) {}
  bool evaluate(const KeyLookup& lookup, MatchContext& context) const override {
    for (const auto& part : parts_)
      if (!part->evaluate(lookup, context)) return false;
    return true;
  }

 private:
  std::vector<std::unique_ptr<Predicate>> parts_;
};

class AnyOf final : public Predicate {
 public:
  explicit AnyOf(std::vector<std::unique_ptr<Predicate>> parts) : parts_(std::move(parts)) {}
  bool evaluate(const KeyLookup& lookup, MatchContext& context) const override {
    for (const auto& part : parts_)
      if (part->evaluate(lookup, context)) return true;
    return false;
  }

 private:
  std::vector<std::unique_ptr<Predicate>> parts_;
};

class Not final : public Predicate {
 public:
  explicit Not(std::unique_ptr<Predicate> inner) : inner_(std::move(inner)) {}
  bool evaluate(const KeyLookup& lookup, MatchContext& context) const override {
    MatchContext scratch{context.lists, {}};  // bindings from a negated branch mean nothing
    return !inner_->evaluate(lookup, scratch);
  }

 private:
  std::unique_ptr<Predicate> inner_;
};

enum class Op { equals, not_equals, in, not_in, matches, not_matches, exists, contains, any_matches, greater_than, less_than };

class Leaf final : public Predicate {
 public:
  Leaf(KeyPath path, Op op, nlohmann::ordered_json operand, std::unique_ptr<RE2> regex)
      : path_(std::move(path)), op_(op), operand_(std::move(operand)), regex_(std::move(regex)) {
    if (operand_.is_object()) bound_path_ = parse_key_path(operand_["key"].get<std::string>());
  }

  bool evaluate(const KeyLookup& lookup, MatchContext& context) const override {
    const nlohmann::ordered_json* value = lookup(path_);
    bool present = value != nullptr && !value->is_null();
    switch (op_) {
      case Op::exists: return present == operand_.get<bool>();
      case Op::equals: return present && loose_equal(*value, operand_);
      case Op::not_equals: return !present || !loose_equal(*value, operand_);
      case Op::in: return present && contains_equal(*value);
      case Op::not_in: return !present || !contains_equal(*value);
      case Op::matches: return present && value->is_primitive() && RE2::PartialMatch(scalar_text(*value), *regex_);
      case Op::not_matches:
        return !present || !value->is_primitive() || !RE2::PartialMatch(scalar_text(*value), *regex_);
      case Op::contains:
        if (!present) return false;
        if (value->is_array())
          return std::any_of(value->begin(), value->end(), [&](const auto& item) { return loose_equal(item, operand_); });
        return value->is_string() && value->get<std::string>().find(scalar_text(operand_)) != std::string::npos;
      case Op::any_matches: {
        if (!present) return false;
        // The matching items are bound as {matched} for the rule's message.
        nlohmann::ordered_json matched = nlohmann::ordered_json::array();
        if (value->is_array()) {
          for (const auto& item : *value)
            if (item.is_primitive() && RE2::PartialMatch(scalar_text(item), *regex_)) matched.push_back(item);
        } else if (value->is_primitive() && RE2::PartialMatch(scalar_text(*value), *regex_)) {
          matched.push_back(*value);
        }
        if (matched.empty()) return false;
        context.bindings["matched"] = std::move(matched);
        return true;
      }
      case Op::greater_than:
      case Op::less_than: {
        // The bound is a number, or another value of the same thing ({key: path}).
        const nlohmann::ordered_json* bound = operand_.is_object() ? lookup(bound_path_) : &operand_;
        if (!present || !value->is_number() || !bound || !bound->is_number()) return false;
        return op_ == Op::greater_than ? value->get<double>() > bound->get<double>() : value->get<double>() < bound->get<double>();
      }
    }
    return false;
  }

 private:
  bool contains_equal(const nlohmann::ordered_json& value) const {
    return std::any_of(operand_.begin(), operand_.end(), [&](const auto& option) { return loose_equal(value, option); });
  }

  KeyPath path_;
  Op op_;
  nlohmann::ordered_json operand_;
  KeyPath bound_path_;   // greater_than / less_than {key: path}
  std::unique_ptr<RE2> regex_;
};

// Membership of a value (or of any element of an array) in a named list.
class InList final : public Predicate {
 public:
  enum class Mode { in, not_in, any_in, none_in };
  InList(KeyPath path, Mode mode, std::string list) : path_(std::move(path)), mode_(mode), list_(std::move(list)) {}

  bool evaluate(const KeyLookup& lookup, MatchContext& context) const override {
    const NamedList* list = nullptr;
    if (context.lists) {
      auto found = context.lists->find(list_);
      if (found != context.lists->end()) list = &found->second;
    }
    const nlohmann::ordered_json* value = lookup(path_);
    auto member = [&](const nlohmann::ordered_json& item) {
      return list && item.is_string() && list->contains(item.get<std::string>());
    };
    switch (mode_) {
      case Mode::in: return value && member(*value);
      case Mode::not_in: return !value || value->is_null() || !member(*value);
      case Mode::any_in:
      case Mode::none_in: {
        nlohmann::ordered_json matched = nlohmann::ordered_json::array();
        if (value && value->is_array()) {
          for (const auto& item : *value)
            if (member(item)) matched.push_back(item);
        } else if (value && member(*value)) {
          matched.push_back(*value);
        }
        if (mode_ == Mode::none_in) return matched.empty();
        if (matched.empty()) return false;
        context.bindings["matched"] = std::move(matched);
        return true;
      }
    }
    return false;
  }

 private:
  KeyPath path_;
  Mode mode_;
  std::string list_;
};

const std::vector<std::pair<std::string, Op>>& operators() {
  static const std::vector<std::pair<std::string, Op>> table = {
      {"equals", Op::equals},       {"not_equals", Op::not_equals},   {"in", Op::in},
      {"not_in", Op::not_in},       {"matches", Op::matches},         {"not_matches", Op::not_matches},
      {"exists", Op::exists},       {"contains", Op::contains},       {"any_matches", Op::any_matches},
      {"greater_than", Op::greater_than}, {"less_than", Op::less_than}};
  return table;
}

std::vector<std::unique_ptr<Predicate>> parse_list(const YAML::Node& node, const ListCatalog* lists) {
  std::vector<std::unique_ptr<Predicate>> parts;
  for (const auto& item : node) parts.push_back(parse_predicate(item, lists));
  return parts;
}

}  // namespace

RuleError::RuleError(const YAML::Node& node, const std::string& message) : std::runtime_error(message) {
  if (node && node.Mark().line >= 0) {
    line = node.Mark().line + 1;
    column = node.Mark().column + 1;
  }
}

KeyPath parse_key_path(std::string_view key) {
  KeyPath path;
  for (auto part : split(key, '.')) path.emplace_back(part);
  return path;
}

const nlohmann::ordered_json* find_path(const nlohmann::ordered_json& root, const KeyPath& path, size_t from) {
  const nlohmann::ordered_json* current = &root;
  for (size_t i = from; i < path.size(); ++i) {
    const std::string& step = path[i];
    if (current->is_object()) {
      auto found = current->find(step);
      if (found == current->end()) return nullptr;
      current = &*found;
    } else if (current->is_array()) {
      if (step.empty() || step.find_first_not_of("0123456789") != std::string::npos) return nullptr;
      size_t index = std::stoul(step);
      if (index >= current->size()) return nullptr;
      current = &(*current)[index];
    } else {
      return nullptr;
    }
  }
  return current;
}

nlohmann::ordered_json yaml_to_json(const YAML::Node& node) {
  if (node.IsSequence()) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& item : node) list.push_back(yaml_to_json(item));
    return list;
  }
  if (node.IsMap()) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const auto& entry : node) object[entry.first.Scalar()] = yaml_to_json(entry.second);
    return object;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {
    if (text == "true") return true;
    if (text == "false") return false;
    if (text == "null" || text == "~") return nullptr;
    static const RE2 integer(R"(^-?[0-9]+$)");
    if (RE2::FullMatch(text, integer) && text.size() < 18) return std::stoll(text);
  }
  return text;
}

std::unique_ptr<Predicate> parse_predicate(const YAML::Node& node, const ListCatalog* lists) {
  if (node.IsSequence()) return std::make_unique<AllOf>(parse_list(node, lists));
  if (!node.IsMap()) throw RuleError(node, "a condition must be a mapping or a list of conditions");
  if (node["all"]) return std::make_unique<AllOf>(parse_list(node["all"], lists));
  if (node["any"]) return std::make_unique<AnyOf>(parse_list(node["any"], lists));
  if (node["not"]) return std::make_unique<Not>(parse_predicate(node["not"], lists));
  if (!node["key"]) throw RuleError(node, "a condition needs 'key' (or all / any / not)");
  KeyPath path = parse_key_path(node["key"].as<std::string>());
  static const std::pair<const char*, InList::Mode> list_modes[] = {
      {"in_list", InList::Mode::in}, {"not_in_list", InList::Mode::not_in},
      {"any_in_list", InList::Mode::any_in}, {"none_in_list", InList::Mode::none_in}};
  for (const auto& [name, mode] : list_modes) {
    YAML::Node operand = node[name];
    if (!operand) continue;
    std::string list = operand.as<std::string>();
    if (lists && !lists->contains(list))
      throw RuleError(operand, "no list named '" + list + "' (lists live in rules/<pack>/lists/<name>.yml)");
    return std::make_unique<InList>(std::move(path), mode, std::move(list));
  }
  for (const auto& [name, op] : operators()) {
    YAML::Node operand_node = node[name];
    if (!operand_node) continue;
    nlohmann::ordered_json operand = yaml_to_json(operand_node);
    std::unique_ptr<RE2> regex;
    if (op == Op::matches || op == Op::not_matches || op == Op::any_matches) {
      regex = std::make_unique<RE2>(operand_node.as<std::string>());
      if (!regex->ok()) throw RuleError(operand_node, "invalid regular expression: " + regex->error());
    }
    if ((op == Op::in || op == Op::not_in) && !operand.is_array())
      throw RuleError(operand_node, "'" + name + "' needs a list");
    if (op == Op::exists && !operand.is_boolean()) throw RuleError(operand_node, "'exists' needs true or false");
    bool names_a_key = operand.is_object() && operand.size() == 1 && operand.contains("key") && operand["key"].is_string();
    if ((op == Op::greater_than || op == Op::less_than) && !operand.is_number() && !names_a_key)
      throw RuleError(operand_node, "'" + name + "' needs a number or {key: path} (another value of the same thing)");
    return std::make_unique<Leaf>(std::move(path), op, std::move(operand), std::move(regex));
  }
  throw RuleError(node, "condition on '" + node["key"].as<std::string>() + "' has no operator");
}

std::string format_message(const std::string& text, const KeyLookup& lookup, const nlohmann::ordered_json& bindings) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      out += text[i];
      continue;
    }
    auto close = text.find('}', i);
    if (close == std::string::npos) {
      out += text.substr(i);
      break;
    }
    KeyPath path = parse_key_path(text.substr(i + 1, close - i - 1));
    const nlohmann::ordered_json* value = find_path(bindings, path);
    if (value == nullptr) value = lookup(path);
    if (value == nullptr || value->is_null()) out += "?";
    else if (value->is_string()) out += truncate_words(value->get<std::string>(), 160);
    else if (value->is_array()) {
      std::string listing;
      for (const auto& item : *value) listing += (listing.empty() ? "" : ", ") + scalar_text(item);
      out += truncate_words(listing, 160);
    } else out += value->dump();
    i = close;
  }
  return out;
}

}  // namespace mlaudit
