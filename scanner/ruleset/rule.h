#pragma once
// A rule as loaded from a YAML file in rules/ (or a user's --rules folder).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ruleset/predicate.h"
#include "ruleset/severity.h"
#include "ruleset/taxonomy.h"
#include "facts/fact.h"
#include "graph/dfd.h"

namespace mlaudit {

enum class MatchKind { call, fact, element, flow, path };

// Selects DFD elements: by kind, by type, and a condition on their properties.
struct ElementSelector {
  std::optional<ElementKind> kind;
  std::vector<std::string> types;
  std::unique_ptr<Predicate> where;
};

// "Do not report in a file that also has ...": e.g. XML parsing where defusedxml is active.
struct FileExemption {
  std::vector<std::string> callees;       // calls that exempt the file
  std::optional<FactType> fact_type;      // or facts of this type...
  std::unique_ptr<Predicate> where;       // ...that satisfy this condition
};

struct MatchSpec {
  MatchKind kind = MatchKind::fact;
  std::vector<std::string> callees;       // call: exact names or globs (`*.execute`)
  FactType fact_type = FactType::call;    // fact
  std::unique_ptr<Predicate> where;       // call / fact / flow condition
  ElementSelector element;                // element
  ElementSelector from, to;               // flow endpoints / path ends
  size_t max_length = 10;                 // path
  std::vector<FileExemption> unless_same_file;
};

// A level a fact or call rule's finding takes when its condition holds (the first that holds wins).
struct SeverityCase {
  Severity severity = Severity::medium;
  std::unique_ptr<Predicate> where;
};

// Findings of one rule that share a root cause, reported once: e.g. every unpinned package
// of one manifest. The first place (in file, line order) is the finding's location, the
// others are its related locations, and the severity is the highest of them.
struct MergeSpec {
  std::vector<std::string> by;  // evidence keys naming the root cause; `$file` is the finding's file
  std::string list;             // evidence key whose values the merged message lists ({list})
  std::string lead;             // the member whose value of this key is the root cause leads (a source dataset)
  std::string message;          // message of a merged finding: {count}, {list} and the first finding's keys
  std::string related;          // message of each related place (its finding's keys); empty: its own message
  // Rules whose finding at the same file and line already names this root cause (the load an
  // integrity-record finding is about): this rule's finding folds into it as a related place.
  std::vector<std::string> into;
};

struct Rule {
  std::string id;
  std::string title;
  std::string description;     // why it matters, in plain words
  std::string remediation;
  std::string record;          // how to record the measure in .mlaudit.yml (GDPR / AI Act rules)
  std::string message;         // with {key} placeholders
  std::vector<std::string> references;
  Severity severity = Severity::medium;
  std::string severity_from;   // a fact key whose severity name, when present, replaces `severity`
  std::vector<SeverityCase> severity_when;  // evidence that sets another level (after severity_from)
  // Findings in tests, examples, docs or proof-of-concept code drop one level (hygiene and
  // flow rules); model-file, secret and compliance rules keep theirs (`outside_production: keep`).
  bool lower_outside_production = true;
  Confidence confidence = Confidence::medium;
  Taxonomy taxonomy;
  MatchSpec match;
  std::vector<std::string> supersedes;
  std::optional<MergeSpec> merge;
  std::string source;          // "rules/code/code.eval-exec.yml" or a user path
  std::string pack;            // folder name: code, config, stride, ...
};

}  // namespace mlaudit
