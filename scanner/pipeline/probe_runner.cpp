#include "pipeline/probe_runner.h"

#include <unistd.h>

#include <sstream>
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

std::string joined(const std::vector<double>& values) {
  std::ostringstream text;
  for (size_t i = 0; i < values.size(); ++i) text << (i ? "," : "") << values[i];
  return text.str();
}

std::vector<std::string> probe_arguments(const ProbeRequest& request) {
  std::vector<std::string> argv{probe_executable().string(), request.model.string(), "--data", request.data.string()};
  auto path_option = [&](const char* name, const std::optional<fs::path>& value) {
    if (value) argv.insert(argv.end(), {name, value->string()});
  };
  path_option("--labels", request.labels);
  path_option("--train", request.train);
  path_option("--train-labels", request.train_labels);
  path_option("--holdout", request.holdout);
  path_option("--holdout-labels", request.holdout_labels);
  path_option("--strip-inputs", request.strip_inputs);
  if (!request.attacks.empty()) {
    std::string attacks;
    for (const auto& attack : request.attacks) attacks += (attacks.empty() ? "" : ",") + attack;
    argv.insert(argv.end(), {"--attacks", attacks});
  }
  if (!request.eps.empty()) argv.insert(argv.end(), {"--eps", joined(request.eps)});
  if (!request.eps_l2.empty()) argv.insert(argv.end(), {"--eps-l2", joined(request.eps_l2)});
  if (!request.input_shape.empty()) {
    std::string shape;
    for (auto dim : request.input_shape) shape += (shape.empty() ? "" : ",") + std::to_string(dim);
    argv.insert(argv.end(), {"--input-shape", shape});
  }
  if (!request.mean.empty()) argv.insert(argv.end(), {"--mean", joined(request.mean)});
  if (!request.std.empty()) argv.insert(argv.end(), {"--std", joined(request.std)});
  if (request.clip_min) argv.insert(argv.end(), {"--clip-min", std::to_string(*request.clip_min)});
  if (request.clip_max) argv.insert(argv.end(), {"--clip-max", std::to_string(*request.clip_max)});
  if (request.steps) argv.insert(argv.end(), {"--steps", std::to_string(*request.steps)});
  if (request.nc_steps) argv.insert(argv.end(), {"--nc-steps", std::to_string(*request.nc_steps)});
  if (request.nc_restarts) argv.insert(argv.end(), {"--nc-restarts", std::to_string(*request.nc_restarts)});
  if (request.shadows) argv.insert(argv.end(), {"--shadows", std::to_string(*request.shadows)});
  if (request.shadow_epochs) argv.insert(argv.end(), {"--shadow-epochs", std::to_string(*request.shadow_epochs)});
  if (request.cv_folds) argv.insert(argv.end(), {"--cv-folds", std::to_string(*request.cv_folds)});
  if (request.cv_epochs) argv.insert(argv.end(), {"--cv-epochs", std::to_string(*request.cv_epochs)});
  if (request.max_samples) argv.insert(argv.end(), {"--max-samples", std::to_string(*request.max_samples)});
  if (request.threshold) argv.insert(argv.end(), {"--threshold", std::to_string(*request.threshold)});
  if (request.random_start) argv.push_back("--random-start");
  if (request.targeted) argv.push_back("--targeted");
  if (request.threads) argv.insert(argv.end(), {"--threads", std::to_string(request.threads)});
  argv.insert(argv.end(), {"--device", request.device});
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
    outcome.report = nlohmann::ordered_json::parse(child.out);
  } catch (const nlohmann::json::exception& error) {
    outcome.problem = "the probe of " + request.model.string() + " printed no valid JSON: " + error.what();
    return outcome;
  }
  outcome.report["model"] = {{"path", request.model.string()}, {"sha256", sha256_file_hex(request.model).value_or("")}};
  for (const char* key : {"evasion", "backdoor", "strip", "poisoning", "membership"})
    if (!outcome.report.contains(key)) outcome.report[key] = nullptr;
  outcome.ran = true;
  return outcome;
}

}  // namespace mlaudit
