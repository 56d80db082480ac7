#pragma once
// Where the values formatted into a string come from: the holes of an f-string, the operands
// of `+` and `%`, the arguments of `.format()`, followed back through the local assignments
// of the enclosing function. Graded from least to most exposed: constant, configuration (the
// object's own attributes, settings, environment), argument (a parameter: the caller
// decides), unknown, input (request, command line, file or network data). Code in a private
// function that nothing in its file calls or names is `unreachable`. The answer goes on the
// call fact as `format_source` {kind, reason, parameter when an argument}; the SQL rule grades severity by its kind, as
// the deserialization rules grade by `load_source`.
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "extract/python/evaluator.h"

namespace mlaudit::python {

// The function a formatted value is built in (null body: module level or a re-emitted wrapper).
struct FormatScope {
  std::string function;
  TSNode body{};
  const std::unordered_set<std::string>* parameters = nullptr;
};

class FormatSources {
 public:
  FormatSources(Evaluator& evaluator, TSNode root) : evaluator_(evaluator), root_(root) {}
  // {kind, reason} for a formatted argument.
  nlohmann::ordered_json judge(TSNode argument, const FormatScope& scope);

 private:
  struct Verdict {
    int rank = 0;  // constant 0, configuration 1, argument 2, unknown 3, input 4
    std::string what;
    std::string parameter;  // argument: the parameter's name
  };
  void collect(TSNode node, const FormatScope& scope, int depth, Verdict& worst, std::vector<std::string>& seen);
  Verdict leaf(TSNode node, const FormatScope& scope, int depth, std::vector<std::string>& seen);
  bool named_elsewhere(const std::string& name);  // more than its definition names it in the file

  Evaluator& evaluator_;
  TSNode root_;
  std::unordered_map<std::string, int> identifier_counts_;  // filled on first use
  bool counted_ = false;
  int budget_ = 0;  // nodes looked at for the current judgement
};

}  // namespace mlaudit::python
