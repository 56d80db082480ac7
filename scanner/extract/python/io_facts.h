#pragma once
// I/O facts of Python code: reads and writes of files, URLs, buckets, hubs, registries and
// databases, matched against the data catalog (io_signatures.yml) with their targets,
// formats and whether they deserialize; open() calls; MLflow tracking URIs.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "extract/extractor.h"
#include "extract/python/evaluator.h"
#include "extract/python/io_signatures.h"

namespace mlaudit::python {

class IoFacts {
 public:
  IoFacts(Evaluator& evaluator, FactSink& sink) : evaluator_(evaluator), sink_(sink) {}
  // `function`: the enclosing function's name, empty at module level.
  void emit(TSNode call, const Callee& callee, const Arguments& arguments, const std::string& function);

 private:
  void emit_open(TSNode call, const Arguments& arguments, const std::string& function);
  std::optional<std::string> resolve_target(const ArgumentSpec& spec, const Arguments& arguments, const Callee& callee,
                                            bool& partial);
  bool condition_holds(const KeywordCondition& condition, const Arguments& arguments);
  std::string written_target(TSNode target);
  // A call on a framework's LLM object, or on a chain or agent built with one.
  void emit_model_call(TSNode call, const Callee& callee, const Arguments& arguments, const std::string& function);
  // What a prompt call sends: the source text of its data arguments, and whether all of them
  // are constants of the project (its own prompts) rather than values it was given.
  void describe_payload(const Arguments& arguments, nlohmann::ordered_json& props);
  bool constant_node(TSNode node, int depth);

  Evaluator& evaluator_;
  FactSink& sink_;
  std::unordered_set<uint32_t> consumed_opens_;  // open() calls passed straight to a loader
};

// "s3://bucket/key" -> "s3"; "models:/name/1" -> "models"; empty when there is none.
std::string scheme_of(std::string_view text);

}  // namespace mlaudit::python
