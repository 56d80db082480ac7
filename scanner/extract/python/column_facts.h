#pragma once
// Column facts of Python code: the columns a script selects, drops or reads (usecols=),
// the feature lists a model is trained on, and the names log calls write. Personal-data
// matching reads these names.
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/python/evaluator.h"

namespace mlaudit::python {

class ColumnFacts {
 public:
  ColumnFacts(Evaluator& evaluator, FactSink& sink) : evaluator_(evaluator), sink_(sink) {}

  // `function`: the enclosing function's name, empty at module level.
  void emit(TSNode node, const std::vector<std::string>& columns, std::string_view action, std::string_view receiver,
            const std::string& function);
  // frame.drop(columns=[...]) and read_csv(usecols=[...]).
  void on_call(TSNode call, const Callee& callee, const Arguments& arguments, const std::string& function);
  // frame["a"] or frame[["a", "b"]]: a list of names selects columns whatever the receiver;
  // a single name only on something that holds tabular data (config["lr"] is no column).
  void on_subscript(TSNode node, const Value& key, const Value& base, const std::string& receiver,
                    const std::string& function);
  // FEATURES = ["age", "income"]
  void on_assignment(TSNode target, const std::string& name, const Value& value);
  void emit_log(TSNode call, const Callee& callee, const Arguments& arguments, const std::string& level,
                const std::string& function);

 private:
  void collect_names(TSNode node, std::vector<std::string>& names, int depth) const;

  Evaluator& evaluator_;
  FactSink& sink_;
};

}  // namespace mlaudit::python
