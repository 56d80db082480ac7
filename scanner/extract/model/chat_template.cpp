#include "extract/model/chat_template.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace mlaudit::model {
namespace {

// Attributes that lead from any object to classes, modules, frames or builtins.
const std::set<std::string, std::less<>>& walking_dunders() {
  static const std::set<std::string, std::less<>> names = {
      "__class__", "__mro__", "__base__", "__bases__", "__subclasses__", "__globals__", "__builtins__",
      "__import__", "__init__", "__getattribute__", "__getattr__", "__dict__", "__code__", "__closure__",
      "__func__", "__self__", "__module__", "__reduce__", "__reduce_ex__", "__loader__", "__spec__",
      "__call__", "__getitem__", "__subclasshook__", "__new__"};
  return names;
}

// Names that only an escape attempt uses: Python modules and functions that run or import
// code, and Jinja's own internals.
const std::set<std::string, std::less<>>& escape_names() {
  static const std::set<std::string, std::less<>> names = {
      "os", "subprocess", "popen", "eval", "exec", "getattr", "setattr", "importlib", "builtins", "sys",
      "globals", "locals", "_module", "_TemplateReference__context", "func_globals", "f_globals", "gi_frame",
      "cr_frame", "__import__"};
  return names;
}

// Template globals that are Python objects, whose attributes lead out of the sandbox.
const std::set<std::string, std::less<>>& template_globals() {
  static const std::set<std::string, std::less<>> names = {"cycler", "joiner", "namespace", "lipsum", "range",
                                                           "dict", "self", "config", "request", "loop"};
  return names;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A Python/Jinja string literal's value, escapes decoded (non-ASCII code points as '?').
std::string decode_literal(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out += body[i];
      continue;
    }
    char next = body[++i];
    size_t digits = next == 'x' ? 2 : next == 'u' ? 4 : next == 'U' ? 8 : 0;
    if (digits && i + digits < body.size()) {
      uint32_t code = 0;
      bool valid = true;
      for (size_t k = 1; k <= digits; ++k) {
        int value = hex_value(body[i + k]);
        if (value < 0) valid = false;
        code = code * 16 + static_cast<uint32_t>(std::max(value, 0));
      }
      if (valid) {
        out += code < 0x80 ? static_cast<char>(code) : '?';
        i += digits;
        continue;
      }
    }
    out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
  }
  return out;
}

bool identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void add_signal(TemplateInjection& result, std::string signal) {
  if (result.signals.size() < 8 && std::find(result.signals.begin(), result.signals.end(), signal) == result.signals.end())
    result.signals.push_back(std::move(signal));
}

// One {{ }} or {% %} block's expression.
bool inspect_expression(std::string_view expression, TemplateInjection& result) {
  size_t before = result.signals.size();
  std::string previous_identifier;
  char previous_symbol = 0;
  for (size_t i = 0; i < expression.size();) {
    char c = expression[i];
    if (c == '\'' || c == '"') {
      size_t end = i + 1;
      while (end < expression.size() && expression[end] != c) end += expression[end] == '\\' ? 2 : 1;
      std::string value = decode_literal(expression.substr(i + 1, std::min(end, expression.size()) - i - 1));
      if (walking_dunders().contains(value)) add_signal(result, "`" + value + "` (attribute named in a string)");
      if (value.find("__import__") != std::string::npos || value.find("__globals__") != std::string::npos ||
          value.find("__builtins__") != std::string::npos)
        add_signal(result, "`" + value.substr(0, 60) + "` (code in a string)");
      i = end + 1;
      previous_identifier.clear();
      previous_symbol = 0;
      continue;
    }
    if (identifier_start(c)) {
      size_t end = i;
      while (end < expression.size() && identifier_char(expression[end])) ++end;
      std::string name(expression.substr(i, end - i));
      if (walking_dunders().contains(name)) add_signal(result, "`" + name + "` (attribute walk)");
      else if (escape_names().contains(name))
        add_signal(result, "`" + name + "`");
      else if (name == "system" && previous_symbol == '.')
        add_signal(result, "`.system(...)`");
      if (previous_symbol == '.' && name.starts_with("_") && template_globals().contains(previous_identifier))
        add_signal(result, "`" + previous_identifier + "." + name + "` (internals of a template global)");
      previous_identifier = name;
      previous_symbol = 0;
      i = end;
      continue;
    }
    if (!std::isspace(static_cast<unsigned char>(c))) {
      previous_symbol = c;
      if (c != '.') previous_identifier.clear();
    }
    ++i;
  }
  return result.signals.size() > before;
}

}  // namespace

TemplateInjection find_template_injection(std::string_view text) {
  TemplateInjection result;
  for (size_t pos = 0; pos < text.size();) {
    size_t open = text.find('{', pos);
    if (open == std::string_view::npos || open + 1 >= text.size()) break;
    char kind = text[open + 1];
    if (kind != '{' && kind != '%' && kind != '#') {
      pos = open + 1;
      continue;
    }
    std::string_view closing = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
    size_t close = text.find(closing, open + 2);
    if (close == std::string_view::npos) close = text.size();
    if (kind != '#' && inspect_expression(text.substr(open + 2, close - open - 2), result) && result.signals.size() &&
        result.first_offset == 0)
      result.first_offset = open;
    pos = close + 2;
  }
  return result;
}

}  // namespace mlaudit::model
