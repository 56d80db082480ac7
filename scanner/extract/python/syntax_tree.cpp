#include "extract/python/syntax_tree.h"

#include <algorithm>
#include <cstring>

namespace mlaudit::python {
namespace {

constexpr uint64_t kParseTimeoutMicros = 10'000'000;  // a hostile file must not stall the scan

TSSymbol symbol(const TSLanguage* language, const char* name, bool named = true) {
  return ts_language_symbol_for_name(language, name, static_cast<uint32_t>(std::strlen(name)), named);
}

TSFieldId field_id(const TSLanguage* language, const char* name) {
  return ts_language_field_id_for_name(language, name, static_cast<uint32_t>(std::strlen(name)));
}

struct ParserDeleter {
  void operator()(TSParser* parser) const { ts_parser_delete(parser); }
};

}  // namespace

const Grammar& Grammar::get() {
  static const Grammar grammar = [] {
    const TSLanguage* l = tree_sitter_python();
    Grammar g{};
    g.module = symbol(l, "module");
    g.import_statement = symbol(l, "import_statement");
    g.import_from_statement = symbol(l, "import_from_statement");
    g.aliased_import = symbol(l, "aliased_import");
    g.dotted_name = symbol(l, "dotted_name");
    g.relative_import = symbol(l, "relative_import");
    g.wildcard_import = symbol(l, "wildcard_import");
    g.call = symbol(l, "call");
    g.attribute = symbol(l, "attribute");
    g.identifier = symbol(l, "identifier");
    g.string = symbol(l, "string");
    g.concatenated_string = symbol(l, "concatenated_string");
    g.string_content = symbol(l, "string_content");
    g.interpolation = symbol(l, "interpolation");
    g.string_start = symbol(l, "string_start");
    g.escape_sequence = symbol(l, "escape_sequence");
    g.integer = symbol(l, "integer");
    g.float_ = symbol(l, "float");
    g.true_ = symbol(l, "true");
    g.false_ = symbol(l, "false");
    g.none = symbol(l, "none");
    g.list = symbol(l, "list");
    g.tuple = symbol(l, "tuple");
    g.dictionary = symbol(l, "dictionary");
    g.pair = symbol(l, "pair");
    g.keyword_argument = symbol(l, "keyword_argument");
    g.argument_list = symbol(l, "argument_list");
    g.assignment = symbol(l, "assignment");
    g.augmented_assignment = symbol(l, "augmented_assignment");
    g.expression_statement = symbol(l, "expression_statement");
    g.function_definition = symbol(l, "function_definition");
    g.class_definition = symbol(l, "class_definition");
    g.decorated_definition = symbol(l, "decorated_definition");
    g.decorator = symbol(l, "decorator");
    g.subscript = symbol(l, "subscript");
    g.binary_operator = symbol(l, "binary_operator");
    g.parenthesized_expression = symbol(l, "parenthesized_expression");
    g.with_statement = symbol(l, "with_statement");
    g.with_item = symbol(l, "with_item");
    g.as_pattern = symbol(l, "as_pattern");
    g.as_pattern_target = symbol(l, "as_pattern_target");
    g.comment = symbol(l, "comment");
    g.lambda = symbol(l, "lambda");
    g.default_parameter = symbol(l, "default_parameter");
    g.typed_default_parameter = symbol(l, "typed_default_parameter");
    g.list_splat = symbol(l, "list_splat");
    g.dictionary_splat = symbol(l, "dictionary_splat");
    g.await_ = symbol(l, "await");
    g.block = symbol(l, "block");
    g.return_statement = symbol(l, "return_statement");
    g.raise_statement = symbol(l, "raise_statement");
    g.generator_expression = symbol(l, "generator_expression");
    g.type = symbol(l, "type");
    g.comparison_operator = symbol(l, "comparison_operator");
    g.conditional_expression = symbol(l, "conditional_expression");
    g.not_operator = symbol(l, "not_operator");
    g.if_statement = symbol(l, "if_statement");
    g.parameters = symbol(l, "parameters");
    g.typed_parameter = symbol(l, "typed_parameter");
    g.f_name = field_id(l, "name");
    g.f_alias = field_id(l, "alias");
    g.f_module_name = field_id(l, "module_name");
    g.f_function = field_id(l, "function");
    g.f_arguments = field_id(l, "arguments");
    g.f_object = field_id(l, "object");
    g.f_attribute = field_id(l, "attribute");
    g.f_left = field_id(l, "left");
    g.f_right = field_id(l, "right");
    g.f_value = field_id(l, "value");
    g.f_key = field_id(l, "key");
    g.f_body = field_id(l, "body");
    g.f_parameters = field_id(l, "parameters");
    g.f_definition = field_id(l, "definition");
    g.f_subscript = field_id(l, "subscript");
    g.f_operator = field_id(l, "operator");
    g.f_superclasses = field_id(l, "superclasses");
    g.f_type = field_id(l, "type");
    g.f_expression = field_id(l, "expression");
    g.f_condition = field_id(l, "condition");
    return g;
  }();
  return grammar;
}

TreePtr parse_python(std::string_view source, const Deadline& deadline) {
  thread_local std::unique_ptr<TSParser, ParserDeleter> parser = [] {
    std::unique_ptr<TSParser, ParserDeleter> created(ts_parser_new());
    ts_parser_set_language(created.get(), tree_sitter_python());
    return created;
  }();
  // 0 would mean "no timeout" to tree-sitter: a deadline already passed gets 1 µs.
  ts_parser_set_timeout_micros(parser.get(), std::max<uint64_t>(1, std::min(kParseTimeoutMicros, deadline.remaining_micros())));
  ts_parser_reset(parser.get());
  return TreePtr(ts_parser_parse_string(parser.get(), nullptr, source.data(), static_cast<uint32_t>(source.size())));
}

}  // namespace mlaudit::python
