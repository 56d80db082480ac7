// mlaudit-probe: the only executable that links LibTorch (loading it costs ~0.3 s and
// ~160 MB before main(), so the scanner never does). `mlaudit probe` and `mlaudit scan`
// run it as a child process with resource limits and no network; it prints one JSON
// document on stdout (probe_contract/probe_report.h) and never writes files.
#include <CLI/CLI.hpp>
#if MLAUDIT_PROBE_HAVE_SECCOMP
#include <seccomp.h>
#endif
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <set>

#include "probe/backdoor.h"
#include "probe/classifier.h"
#include "probe/evasion.h"
#include "probe/membership.h"
#include "probe/poisoning.h"
#include "probe/probe_data.h"
#include "probe/report_sections.h"
#include "probe_contract/attacks.h"
#include "probe_contract/probe_options.h"

namespace fs = std::filesystem;
using namespace mlaudit;
using namespace mlaudit::probe;

namespace {

using Options = ProbeSettings;

// Once LibTorch is loaded nothing here needs to start programs: refuse execve for good.
// (Network access is refused by the parent's filter, inherited across its exec.)
void forbid_exec() {
#if MLAUDIT_PROBE_HAVE_SECCOMP
  scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
  if (!filter) return;
  seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execve), 0);
  seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execveat), 0);
  seccomp_load(filter);
  seccomp_release(filter);
#endif
}

torch::Tensor first(const torch::Tensor& tensor, int64_t count) {
  return count > 0 && tensor.size(0) > count ? tensor.slice(0, 0, count) : tensor;
}

// What every probe reads, and the report they fill.
struct ProbeSession {
  const Options& options;
  Classifier& model;
  torch::Tensor inputs;                 // the first --max-samples of --data
  std::optional<torch::Tensor> labels;
  double clip_min = 0, clip_max = 1;
  bool all = true;                      // no --attacks: run what the data allows, skip the rest quietly
  ProbeReport& report;

  void note(const std::string& probe, const std::string& message) { report.diagnostics.push_back({probe, message}); }
  // A probe that needs inputs the user did not give: said only when the user asked for it.
  void not_asked_for(const std::string& probe, const std::string& message) {
    if (!all) note(probe, message);
  }
  template <typename Probe>
  auto timed(const std::string& name, Probe probe) {
    auto start = std::chrono::steady_clock::now();
    auto result = probe();
    report.seconds.push_back({name, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
    return result;
  }
};

std::vector<EvasionResult> probe_evasion(ProbeSession& run, const std::set<std::string>& asked) {
  std::vector<EvasionResult> results;
  if (!run.labels) {
    run.note("evasion", "skipped: --labels (or labels inside the data file) are needed to measure accuracy");
    return results;
  }
  const Options& options = run.options;
  EvasionSettings settings;
  settings.steps = options.steps;
  settings.random_start = options.random_start;
  settings.targeted = options.targeted;
  settings.target_class = options.target_class;
  settings.clip_min = run.clip_min;
  settings.clip_max = run.clip_max;
  settings.seed = options.seed;
  double clean = run.model.predict(run.inputs).eq(*run.labels).to(torch::kFloat32).mean().item<double>();
  for (Attack attack : {Attack::fgsm, Attack::pgd_linf, Attack::pgd_l2}) {
    if (!asked.contains(to_string(attack))) continue;
    const auto& budgets = attack == Attack::pgd_l2 ? options.eps_l2 : options.eps;
    results.push_back(run.timed(to_string(attack), [&] {
      return run_evasion(run.model, attack, run.inputs, *run.labels, budgets, settings, static_cast<size_t>(options.examples));
    }));
  }
  run.report.evasion = evasion_section(clean, results, {settings.steps, "2.5 * eps / steps", settings.random_start,
                                                        settings.targeted, {run.clip_min, run.clip_max}, run.inputs.size(0)});
  return results;
}

BackdoorResult probe_backdoor(ProbeSession& run) {
  NeuralCleanseSettings settings;
  settings.steps = run.options.nc_steps;
  settings.restarts = run.options.nc_restarts;
  settings.threshold = run.options.threshold;
  settings.clip_min = run.clip_min;
  settings.clip_max = run.clip_max;
  settings.seed = run.options.seed;
  BackdoorResult result = run.timed("backdoor", [&] { return neural_cleanse(run.model, run.inputs, settings); });
  run.report.backdoor = backdoor_section(result);
  return result;
}

void probe_strip(ProbeSession& run) {
  if (!run.options.strip_inputs) return run.not_asked_for("strip", "skipped: --strip-inputs names the inputs to check");
  auto suspects = load_dataset(*run.options.strip_inputs, std::nullopt, run.options.input_shape).inputs;
  run.report.strip = strip_section(run.timed("strip", [&] { return strip(run.model, suspects, run.inputs, 16, 0.01, run.options.seed); }));
}

void probe_poisoning(ProbeSession& run) {
  const Options& options = run.options;
  if (!options.train) return run.not_asked_for("poisoning", "skipped: --train (with labels) is needed");
  Dataset train = load_dataset(*options.train, options.train_labels, options.input_shape);
  if (!train.labels) return run.note("poisoning", "skipped: the training set has no labels (--train-labels)");
  run.report.poisoning = run.timed("poisoning", [&] {
    auto layers = run.model.layer_activations(train.inputs);
    if (layers.empty())
      run.note("poisoning", "activation clustering and spectral signatures skipped: the model's layers cannot be run one by "
                            "one and it has no `penultimate`, `features` or `embed` method; label noise only");
    PoisoningSettings settings;
    settings.folds = options.cv_folds;
    settings.epochs = options.cv_epochs;
    settings.label_noise = options.cv_folds > 1 && options.cv_epochs > 0;
    settings.seed = options.seed;
    auto result = find_poisoned(run.model, layers, train.inputs, *train.labels, settings);
    if (!result.label_noise_problem.empty()) run.note("poisoning", "label noise skipped: " + result.label_noise_problem);
    return poisoning_section(result, train.inputs.size(0));
  });
}

std::optional<MembershipResult> probe_membership(ProbeSession& run) {
  const Options& options = run.options;
  if (!options.train || !options.holdout) {
    run.not_asked_for("membership", "skipped: --train (members) and --holdout (non-members), with labels, are needed");
    return std::nullopt;
  }
  Dataset members = load_dataset(*options.train, options.train_labels, options.input_shape);
  Dataset nonmembers = load_dataset(*options.holdout, options.holdout_labels, options.input_shape);
  if (!members.labels || !nonmembers.labels) {
    run.note("membership", "skipped: members and non-members need labels");
    return std::nullopt;
  }
  MembershipSettings settings;
  settings.shadows = options.shadows;
  settings.shadow_max_epochs = options.shadow_epochs;
  settings.seed = options.seed;
  MembershipResult result = run.timed("membership", [&] {
    return membership_inference(run.model, members.inputs, *members.labels, nonmembers.inputs, *nonmembers.labels, settings);
  });
  if (!result.lira_problem.empty()) run.note("membership", "LiRA skipped: " + result.lira_problem);
  run.report.membership = membership_section(result);
  return result;
}

torch::Device choose_device(const Options& options, ProbeReport& report) {
  if (options.device != "cuda") return torch::kCPU;
  if (torch::cuda::is_available()) return torch::Device(torch::kCUDA);
  report.diagnostics.push_back({"device", "CUDA was asked for but this LibTorch has no usable CUDA device; running on the CPU"});
  return torch::kCPU;
}

ProbeReport run(const Options& options) {
  ProbeReport report;
  torch::Device device = choose_device(options, report);
  if (options.threads > 0) torch::set_num_threads(options.threads);
  // Denormal floats (common in overtrained weights) make CPU arithmetic ~10x slower.
  at::globalContext().setFlushDenormal(true);
  // The profiling executor re-specialises graphs as input shapes and gradient needs change,
  // which the probes do constantly; plain execution is faster here.
  torch::jit::setGraphExecutorOptimize(false);
  torch::manual_seed(static_cast<uint64_t>(options.seed));

  Dataset data = load_dataset(options.data, options.labels, options.input_shape);
  Classifier model(options.model, device, {options.mean, options.std});
  model.inspect(first(data.inputs, 8));
  report.model_path = options.model.string();
  report.device = device.is_cuda() ? "cuda" : "cpu";
  report.libtorch = TORCH_VERSION;
  report.output_kind = to_string(model.output_kind());
  report.classes = model.classes();
  report.samples = data.inputs.size(0);

  std::set<std::string> asked;
  for (const auto& name : options.attacks) asked.insert(canonical_attack_name(name));
  bool all = asked.empty();
  if (all)
    for (const auto& attack : kProbeAttacks) asked.emplace(attack.name);
  ProbeSession run{options, model, first(data.inputs, options.max_samples), std::nullopt,
               options.clip_min.value_or(std::min(0.0, data.inputs.min().item<double>())),
               options.clip_max.value_or(std::max(1.0, data.inputs.max().item<double>())), all, report};
  if (data.labels) run.labels = first(*data.labels, options.max_samples);

  std::vector<EvasionResult> evasion;
  auto section_asked = [&](std::string_view section) {
    return std::ranges::any_of(kProbeAttacks, [&](const auto& attack) {
      return attack.section == section && asked.contains(std::string(attack.name));
    });
  };
  if (section_asked("evasion")) evasion = probe_evasion(run, asked);
  std::optional<BackdoorResult> backdoor;
  if (asked.contains("backdoor")) backdoor = probe_backdoor(run);
  if (asked.contains("strip")) probe_strip(run);
  if (asked.contains("poisoning")) probe_poisoning(run);
  std::optional<MembershipResult> membership;
  if (asked.contains("membership")) membership = probe_membership(run);
  report.figures = figures_section(evasion, backdoor, membership);
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "--libtorch") == 0)) {
    std::cout << "mlaudit-probe " << MLAUDIT_PROBE_VERSION << " (LibTorch " << TORCH_VERSION
              << ", CUDA " << (torch::cuda::is_available() ? "available" : "not available") << ")\n";
    return torch::ones({2, 2}).sum().item<float>() == 4.0f ? 0 : 3;
  }
  forbid_exec();
  Options options;
  CLI::App app{"mlaudit-probe: adversarial, backdoor, poisoning and membership probes of a TorchScript classifier"};
  add_probe_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;  // usage errors: 2, as for mlaudit
  }
  try {
    std::cout << run(options).to_json().dump() << "\n";
    return 0;
  } catch (const DataError& error) {
    std::cerr << "mlaudit-probe: " << error.what() << "\n";
    return 4;
  } catch (const c10::Error& error) {
    std::cerr << "mlaudit-probe: LibTorch: " << error.what_without_backtrace() << "\n";
    return 5;
  } catch (const std::exception& error) {
    std::cerr << "mlaudit-probe: " << error.what() << "\n";
    return 5;
  }
}
