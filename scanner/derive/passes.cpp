#include "derive/passes.h"

#include "derive/dpia_screening.h"
#include "derive/dvc_integrity.h"
#include "derive/personal_fields.h"

namespace mlaudit {
namespace {

constexpr DerivePass kPasses[] = {
    {"dvc-integrity", false,
     [](const DeriveContext& context) { return verify_dvc_records(context.inputs.root, context.facts, context.inputs.in_scanned_tree); }},
    {"personal-fields-in-code", false, [](const DeriveContext& context) { return personal_fields(context.facts, context.diagnostics); }},
    {"privacy-declarations", false,
     [](const DeriveContext& context) {
       return declaration_facts(context.inputs.config_file, context.inputs.declarations);
     }},
    {"probe-results", false,
     [](const DeriveContext& context) { return probe_result_facts(context.inputs.probes, context.diagnostics); }},
    {"dpia-screening", true,
     [](const DeriveContext& context) { return screen_for_dpia(*context.diagram, context.facts); }},
};

}  // namespace

std::span<const DerivePass> derive_passes() { return kPasses; }

size_t run_derive_passes(const DeriveInputs& inputs, std::vector<Fact>& facts, const DataFlowDiagram* diagram,
                         std::vector<Diagnostic>& diagnostics) {
  size_t before = facts.size();
  for (const DerivePass& pass : kPasses) {
    if (pass.reads_diagram != (diagram != nullptr)) continue;
    std::vector<Fact> added = pass.run({inputs, facts, diagram, diagnostics});
    facts.insert(facts.end(), std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()));
  }
  return facts.size() - before;
}

}  // namespace mlaudit
