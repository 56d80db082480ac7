#pragma once
// Runs mlaudit-probe (the LibTorch executable) on one model, confined (sandbox/), after the
// static model check found nothing that runs code in the file: what `mlaudit probe` and the
// probes declared in .mlaudit.yml use. The result is the probe's typed report
// (probe_contract/probe_report.h), completed with the model's SHA-256; a document that is
// not such a report is a failed probe whose problem names the bad key.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "derive/probe_results.h"
#include "probe_contract/probe_options.h"

namespace mlaudit {

// The probe's settings (probe_contract/probe_options.h) and the sandbox's limits.
struct ProbeRequest : ProbeSettings {
  bool allow_unsafe_model = false;             // load even when the static scan objects
  unsigned timeout_seconds = 900;
  uint64_t memory_mb = 8192;
};

// Where mlaudit-probe is: $MLAUDIT_PROBE, else beside the running executable.
std::filesystem::path probe_executable();

// `objections`: what the static model check found in the file that runs code (see
// pipeline/stages.h); unless the request allows an unsafe model, any refuses the load.
ProbeOutcome run_probe(const ProbeRequest& request, const std::vector<std::string>& objections);

}  // namespace mlaudit
