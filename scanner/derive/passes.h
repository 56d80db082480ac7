#pragma once
// The derive stage: passes that combine facts across files and emit more facts, run after
// extraction in the order derive_passes() lists them. Every pass sees the facts of the
// passes before it. All but the DPIA screening read facts only and run before the
// data-flow diagram is built; the screening reads the finished diagram (which personal
// data reaches which model, endpoint and recipient), so it runs once the diagram exists.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "derive/privacy_declarations.h"
#include "derive/probe_results.h"
#include "facts/diagnostic.h"
#include "facts/fact.h"
#include "graph/dfd.h"

namespace mlaudit {

// What the passes know besides the facts: the project and what it declares.
struct DeriveInputs {
  std::filesystem::path root;
  std::string config_file = ".mlaudit.yml";            // as the facts name it (relative to root)
  std::span<const PrivacyDeclaration> declarations;
  std::span<const ProbeRun> probes;                    // the declared probes, already run
  // Whether the walk kept this project-relative file: it is not ignored by .gitignore or
  // excluded, so it lives in the repository itself. Unset: nothing is known.
  std::function<bool(const std::string&)> in_scanned_tree;
};

struct DeriveContext {
  const DeriveInputs& inputs;
  const std::vector<Fact>& facts;                      // extracted and derived so far
  const DataFlowDiagram* diagram;                      // null before the diagram is built
  std::vector<Diagnostic>& diagnostics;
};

struct DerivePass {
  std::string_view name;
  bool reads_diagram;
  std::vector<Fact> (*run)(const DeriveContext& context);
};

// Every pass, in the order they run.
std::span<const DerivePass> derive_passes();

// Runs, in order, the passes that need no diagram (`diagram` null) or those that read it,
// appending their facts to `facts`. Returns how many facts they added.
size_t run_derive_passes(const DeriveInputs& inputs, std::vector<Fact>& facts, const DataFlowDiagram* diagram,
                         std::vector<Diagnostic>& diagnostics);

}  // namespace mlaudit
