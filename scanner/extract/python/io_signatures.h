#pragma once
// The catalog of calls that read or write artifacts (io_signatures.yml, embedded).
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mlaudit::python {

// Where one part of an artifact's address comes from in a call.
struct ArgumentSpec {
  int position = -1;                  // positional index, -1 = none
  std::vector<std::string> keywords;  // keyword names
  bool handle = false;                // the argument is an open file object
  int receiver_literal = -1;          // n-th string literal along the receiver chain
  std::string fixed;                  // a constant address
  bool downloaded = false;            // bytes fetched by an earlier call: its URL is the address
  bool present() const {
    return position >= 0 || !keywords.empty() || receiver_literal >= 0 || !fixed.empty() || downloaded;
  }
};

struct KeywordCondition {
  std::string keyword;
  int position = -1;
  nlohmann::ordered_json equals;
};

struct IoSignature {
  std::string callee;
  std::string method;
  std::vector<std::string> extensions;
  std::string direction;              // read | write
  ArgumentSpec target, bucket, key;
  std::string scheme;
  std::string kind, format, artifact, deserializes;
  std::optional<KeywordCondition> safe_when, only_when;
};

class IoCatalog {
 public:
  static const IoCatalog& get();
  // Entries for an exactly matching callee; failing that, entries for its last component.
  std::vector<const IoSignature*> lookup(std::string_view callee, std::string_view method) const;
  size_t size() const { return signatures_.size(); }
  // The API host behind a framework's LLM class ("langchain.llms.OpenAI"); empty if not one.
  std::string hosted_model_host(std::string_view client_class) const;
  // Calls that send a prompt: on the LLM object itself, and on a chain or agent built with it.
  bool is_model_call(std::string_view method) const;
  bool is_chain_call(std::string_view method) const;

 private:
  std::vector<IoSignature> signatures_;
  std::unordered_map<std::string, std::string> hosted_models_;  // client class -> host
  std::vector<std::string> model_calls_, chain_calls_;
  std::unordered_multimap<std::string, size_t> by_callee_, by_method_;
};

}  // namespace mlaudit::python
