#pragma once
// What the analyzer knows about a Python expression without running it: a constant
// string (possibly assembled from parts), a module or an object of known origin.
#include <cstdint>
#include <string>
#include <vector>

namespace mlaudit::python {

struct Value {
  enum class Kind { unknown, string, number, boolean, none, string_list, dict, module, object, file_handle, function };
  Kind kind = Kind::unknown;
  // string: the text (a template with {expr} holes when `partial`); number: the literal;
  // boolean: "true"/"false"; module: qualified name; object: origin such as
  // "flask.Flask()"; file_handle: the path opened; function: the local function name.
  std::string text;
  // string_list: the items; dict: the literal keys; object: string literals passed along
  // the call chain (boto3.resource("s3").Bucket("b") -> ["s3", "b"]).
  std::vector<std::string> items;
  std::vector<Value> entries;  // dict: the value of each key in `items`
  // Where the value came from when it was not written at the place of use: "default of
  // parameter `path` (line 3)", "module constant `URL` (line 1)". Empty when written there.
  std::string origin;
  bool overridable = false;  // a parameter's default: any caller may pass something else
  // The default of an environment variable: it resolves where it is used whole (a model id),
  // and stays a hole where it is formatted into a larger string (the value is deployment's).
  bool from_environment = false;
  bool partial = false;
  bool unresolved = false;  // object: built on a name the analyzer could not resolve
  std::string mode;  // file_handle: the open() mode
  // object: the hosted-model client it is, or that it was built with ("langchain.llms.OpenAI()"
  // for the LLM object and for a chain or agent around it); empty for anything else.
  std::string model_client;
  // object: the base URL its constructor was given (base_url=, api_base=, ...); "{configured}"
  // when one is given but not known. Empty: the client's own default host.
  std::string endpoint;

  bool is_string() const { return kind == Kind::string; }
  bool is_constant() const {
    return (kind == Kind::string && !partial) || kind == Kind::number || kind == Kind::boolean ||
           kind == Kind::none || kind == Kind::string_list;
  }
  static Value unknown(std::string text = {}) { return {Kind::unknown, std::move(text)}; }
  static Value string(std::string text, bool partial = false) {
    Value value{Kind::string, std::move(text)};
    value.partial = partial;
    return value;
  }
  static Value module(std::string qualified) { return {Kind::module, std::move(qualified)}; }
  static Value object(std::string origin, std::vector<std::string> literals = {}) {
    return {Kind::object, std::move(origin), std::move(literals)};
  }
};

// Maps rows of the analysed source to lines and columns of the file on disk: identity
// for .py files, cell lines to .ipynb lines for notebooks.
struct LineMap {
  std::vector<uint32_t> file_lines;      // row -> 1-based line in the file
  std::vector<uint32_t> column_offsets;  // row -> columns to add
  uint32_t line(uint32_t row) const { return row < file_lines.size() ? file_lines[row] : row + 1; }
  uint32_t column(uint32_t row, uint32_t column) const {
    return column + 1 + (row < column_offsets.size() ? column_offsets[row] : 0);
  }
};

}  // namespace mlaudit::python
