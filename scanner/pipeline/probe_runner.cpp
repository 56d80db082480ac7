#include "pipeline/probe_runner.h"

#include <unistd.h>

#include <thread>

#include "crypto/sha256.h"
#include "sandbox/child_process.h"

namespace mlaudit {
namespace fs = std::filesystem;

fs::path probe_executable() {
  if (const char* override_path = std::getenv("MLAUDIT_PROBE"); override_path && *override_path) return override_path;
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) return "mlaudit-probe";
  // Beside mlaudit; the test binary lives one folder down in the build tree.
  for (const fs::path& folder : {self.parent_path(), self.parent_path().parent_path()})
    if (fs::exists(folder / "mlaudit-probe")) return folder / "mlaudit-probe";
  return self.parent_path() / "mlaudit-probe";
}

namespace {

std::vector<std::string> probe_arguments(const ProbeRequest& request) {
  std::vector<std::string> argv{probe_executable().string()};
  for (auto& argument : probe_option_arguments(request)) argv.push_back(std::move(argument));
  return argv;
}

}  // namespace

ProbeOutcome run_probe(const ProbeRequest& request, const std::vector<std::string>& objections) {
  ProbeOutcome outcome;
  if (!fs::is_regular_file(request.model)) {
    outcome.refused = true;
    outcome.problem = request.model.string() + ": no such model file";
    return outcome;
  }
  if (!request.allow_unsafe_model) {
    if (!objections.empty()) {
      outcome.refused = true;
      std::string first = objections.front();
      while (!first.empty() && first.back() == '.') first.pop_back();
      outcome.problem = request.model.string() + " was not loaded: the static model scan found " + first +
                        (objections.size() > 1 ? " (and " + std::to_string(objections.size() - 1) + " more)" : "") +
                        ". Use --allow-unsafe-model to probe it anyway, in the sandbox.";
      return outcome;
    }
  }
  fs::path executable = probe_executable();
  if (!fs::exists(executable)) {
    outcome.problem = "mlaudit-probe was not found at " + executable.string() + " (built with -DMLAUDIT_BUILD_PROBE=ON; or set MLAUDIT_PROBE)";
    return outcome;
  }
  SandboxLimits limits;
  limits.memory_bytes = request.memory_mb << 20;
  limits.wall = std::chrono::seconds(request.timeout_seconds);
  limits.cpu_seconds = request.timeout_seconds * std::max(1u, std::thread::hardware_concurrency());
  ChildResult child = run_confined(probe_arguments(request), limits);
  if (child.exit_code != 0) {
    outcome.problem = "the probe of " + request.model.string() + " failed: " + child.describe();
    return outcome;
  }
  try {
    outcome.report = ProbeReport::from_json(nlohmann::ordered_json::parse(child.out));
  } catch (const nlohmann::json::exception& error) {
    outcome.problem = "the probe of " + request.model.string() + " printed no valid JSON: " + error.what();
    return outcome;
  } catch (const ProbeReportError& error) {
    outcome.problem = "the probe of " + request.model.string() + " printed a report mlaudit cannot read: " + error.what();
    return outcome;
  }
  outcome.report.model_path = request.model.string();
  outcome.report.model_sha256 = sha256_file_hex(request.model).value_or("");
  outcome.ran = true;
  return outcome;
}

}  // namespace mlaudit
