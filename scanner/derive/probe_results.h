#pragma once
// Turns the probes declared in .mlaudit.yml into facts: each runs (engine/probe_runner) and
// its document becomes a probe_result fact on the model file, with the measures rules read
// flattened (evasion_weak, backdoor_flagged, poisoning_suspects, membership_vulnerable, ...).
// A probe that is refused or fails is a diagnostic, not a failed scan.
#include <filesystem>
#include <vector>

#include "engine/project_config.h"
#include "extract/extract_files.h"
#include "graph/dfd.h"

namespace mlaudit {

void add_probe_facts(const std::filesystem::path& root, const ProjectConfig& config, Extraction& extraction);

// Model stores in the diagram take the measures of the probe_result facts on their file.
void annotate_models_with_probes(DataFlowDiagram& diagram, const std::vector<Fact>& facts);

// The flattened measures of one probe document (exposed for tests).
nlohmann::ordered_json probe_measures(const nlohmann::ordered_json& report, const ProbeDeclaration& declaration);

}  // namespace mlaudit
