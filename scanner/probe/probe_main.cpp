// mlaudit-probe: the only executable that links LibTorch (loading it costs ~0.3 s and
// ~160 MB before main(), so the scanner never does). `mlaudit probe` and `mlaudit scan`
// run it as a child process with resource limits and no network; it prints one JSON
// document on stdout (probe/probe_report.h) and never writes files.
#include <CLI/CLI.hpp>
#if MLAUDIT_PROBE_HAVE_SECCOMP
#include <seccomp.h>
#endif
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>

#include "probe/backdoor.h"
#include "probe/classifier.h"
#include "probe/evasion.h"
#include "probe/membership.h"
#include "probe/poisoning.h"
#include "probe/probe_data.h"
#include "probe/probe_report.h"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using namespace mlaudit::probe;

namespace {

struct Options {
  fs::path model, data;
  std::optional<fs::path> labels, train, train_labels, holdout, holdout_labels, strip_inputs;
  std::vector<std::string> attacks;
  std::vector<double> eps{0.01, 0.03, 0.05, 0.1, 0.2}, eps_l2{0.25, 0.5, 1.0, 2.0};
  std::vector<int64_t> input_shape;
  std::vector<double> mean, std;
  std::optional<double> clip_min, clip_max;
  int steps = 10, nc_steps = 200, nc_restarts = 3, threads = 0, examples = 4;
  int shadows = 8, shadow_epochs = 100, cv_folds = 5, cv_epochs = 20;
  bool random_start = false, targeted = false;
  int64_t target_class = -1, max_samples = 1000;
  double threshold = 2.0;
  std::string device = "cpu";
  uint64_t seed = 0;
};

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

json run(const Options& options) {
  json diagnostics = json::array();
  auto note = [&](const std::string& probe, const std::string& message) {
    diagnostics.push_back({{"probe", probe}, {"message", message}});
  };
  torch::Device device(torch::kCPU);
  if (options.device == "cuda") {
    if (torch::cuda::is_available()) device = torch::Device(torch::kCUDA);
    else note("device", "CUDA was asked for but this LibTorch has no usable CUDA device; running on the CPU");
  }
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
  double clip_min = options.clip_min.value_or(std::min(0.0, data.inputs.min().item<double>()));
  double clip_max = options.clip_max.value_or(std::max(1.0, data.inputs.max().item<double>()));

  std::set<std::string> wanted(options.attacks.begin(), options.attacks.end());
  if (wanted.erase("pgd")) wanted.insert("pgd_linf");
  bool all = wanted.empty();
  auto asked = [&](const char* name) { return all || wanted.contains(name); };

  json out = {{"model", {{"path", options.model.string()}}},
              {"device", device.is_cuda() ? "cuda" : "cpu"},
              {"libtorch", TORCH_VERSION},
              {"output_kind", to_string(model.output_kind())},
              {"classes", model.classes()},
              {"samples", data.inputs.size(0)}};
  auto timer = [] { return std::chrono::steady_clock::now(); };
  auto seconds = [](auto since) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count(); };
  json timings = json::object();

  // Evasion.
  std::vector<EvasionResult> evasion;
  auto inputs = first(data.inputs, options.max_samples);
  if (asked("fgsm") || asked("pgd_linf") || asked("pgd_l2")) {
    if (!data.labels) {
      note("evasion", "skipped: --labels (or labels inside the data file) are needed to measure accuracy");
    } else {
      auto labels = first(*data.labels, options.max_samples);
      EvasionSettings settings;
      settings.steps = options.steps;
      settings.random_start = options.random_start;
      settings.targeted = options.targeted;
      settings.target_class = options.target_class;
      settings.clip_min = clip_min;
      settings.clip_max = clip_max;
      settings.seed = options.seed;
      double clean = model.predict(inputs).eq(labels).to(torch::kFloat32).mean().item<double>();
      for (auto [attack, name] : {std::pair{Attack::fgsm, "fgsm"}, {Attack::pgd_linf, "pgd_linf"}, {Attack::pgd_l2, "pgd_l2"}}) {
        if (!asked(name)) continue;
        auto start = timer();
        evasion.push_back(run_evasion(model, attack, inputs, labels, attack == Attack::pgd_l2 ? options.eps_l2 : options.eps,
                                      settings, static_cast<size_t>(options.examples)));
        timings[name] = seconds(start);
      }
      out["evasion"] = evasion_json(clean, evasion);
      out["evasion"]["settings"] = {{"steps", settings.steps}, {"step_size", "2.5 * eps / steps"},
                                    {"random_start", settings.random_start}, {"targeted", settings.targeted},
                                    {"clip", {clip_min, clip_max}}, {"samples", inputs.size(0)}};
    }
  }

  // Backdoor.
  std::optional<BackdoorResult> backdoor;
  if (asked("backdoor")) {
    NeuralCleanseSettings settings;
    settings.steps = options.nc_steps;
    settings.restarts = options.nc_restarts;
    settings.threshold = options.threshold;
    settings.clip_min = clip_min;
    settings.clip_max = clip_max;
    settings.seed = options.seed;
    auto start = timer();
    backdoor = neural_cleanse(model, inputs, settings);
    timings["backdoor"] = seconds(start);
    out["backdoor"] = backdoor_json(*backdoor);
  }
  if (asked("strip")) {
    if (!options.strip_inputs) {
      if (!all) note("strip", "skipped: --strip-inputs names the inputs to check");
    } else {
      auto suspects = load_dataset(*options.strip_inputs, std::nullopt, options.input_shape).inputs;
      auto start = timer();
      out["strip"] = strip_json(strip(model, suspects, inputs, 16, 0.01, options.seed));
      timings["strip"] = seconds(start);
    }
  }

  // Poisoned training data.
  if (asked("poisoning")) {
    if (!options.train) {
      if (!all) note("poisoning", "skipped: --train (with labels) is needed");
    } else {
      Dataset train = load_dataset(*options.train, options.train_labels, options.input_shape);
      if (!train.labels) {
        note("poisoning", "skipped: the training set has no labels (--train-labels)");
      } else {
        auto start = timer();
        auto layers = model.layer_activations(train.inputs);
        if (layers.empty())
          note("poisoning", "activation clustering and spectral signatures skipped: the model's layers cannot be run one by "
                            "one and it has no `penultimate`, `features` or `embed` method; label noise only");
        PoisoningSettings settings;
        settings.folds = options.cv_folds;
        settings.epochs = options.cv_epochs;
        settings.label_noise = options.cv_folds > 1 && options.cv_epochs > 0;
        settings.seed = options.seed;
        auto result = find_poisoned(model, layers, train.inputs, *train.labels, settings);
        if (!result.label_noise_problem.empty()) note("poisoning", "label noise skipped: " + result.label_noise_problem);
        out["poisoning"] = poisoning_json(result);
        out["poisoning"]["train_samples"] = train.inputs.size(0);
        timings["poisoning"] = seconds(start);
      }
    }
  }

  // Membership inference.
  std::optional<MembershipResult> membership;
  if (asked("membership")) {
    if (!options.train || !options.holdout) {
      if (!all) note("membership", "skipped: --train (members) and --holdout (non-members), with labels, are needed");
    } else {
      Dataset members = load_dataset(*options.train, options.train_labels, options.input_shape);
      Dataset nonmembers = load_dataset(*options.holdout, options.holdout_labels, options.input_shape);
      if (!members.labels || !nonmembers.labels) {
        note("membership", "skipped: members and non-members need labels");
      } else {
        auto start = timer();
        MembershipSettings settings;
        settings.shadows = options.shadows;
        settings.shadow_max_epochs = options.shadow_epochs;
        settings.seed = options.seed;
        membership = membership_inference(model, members.inputs, *members.labels, nonmembers.inputs, *nonmembers.labels, settings);
        if (!membership->lira_problem.empty()) note("membership", "LiRA skipped: " + membership->lira_problem);
        out["membership"] = membership_json(*membership);
        timings["membership"] = seconds(start);
      }
    }
  }
  out["diagnostics"] = diagnostics;
  out["seconds"] = timings;
  out["figures"] = figures_json(evasion, backdoor, membership);
  return out;
}

template <typename T>
std::vector<T> list_of(const std::string& text) {
  std::vector<T> values;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');)
    if (!item.empty()) values.push_back(static_cast<T>(std::stod(item)));
  return values;
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
  std::string attacks, eps, eps_l2, shape, mean, std_dev;
  CLI::App app{"mlaudit-probe: adversarial, backdoor, poisoning and membership probes of a TorchScript classifier"};
  app.add_option("model", options.model, "TorchScript model")->required();
  app.add_option("--data", options.data, "inputs (.npy, .npz, .pt, .csv)")->required();
  app.add_option("--labels", options.labels, "labels of --data");
  app.add_option("--train", options.train, "training set (members; poisoning checks)");
  app.add_option("--train-labels", options.train_labels);
  app.add_option("--holdout", options.holdout, "data the model never saw (non-members)");
  app.add_option("--holdout-labels", options.holdout_labels);
  app.add_option("--strip-inputs", options.strip_inputs, "inputs to check with STRIP");
  app.add_option("--attacks", attacks, "fgsm,pgd_linf,pgd_l2,backdoor,strip,poisoning,membership (pgd = pgd_linf)");
  app.add_option("--eps", eps, "L-inf budgets for fgsm and pgd_linf");
  app.add_option("--eps-l2", eps_l2, "L2 budgets for pgd_l2");
  app.add_option("--steps", options.steps);
  app.add_flag("--random-start", options.random_start);
  app.add_flag("--targeted", options.targeted);
  app.add_option("--target-class", options.target_class);
  app.add_option("--input-shape", shape, "shape of one input, e.g. 1,28,28");
  app.add_option("--mean", mean, "per-channel normalisation mean");
  app.add_option("--std", std_dev, "per-channel normalisation std");
  app.add_option("--clip-min", options.clip_min);
  app.add_option("--clip-max", options.clip_max);
  app.add_option("--nc-steps", options.nc_steps, "Neural Cleanse steps per class");
  app.add_option("--nc-restarts", options.nc_restarts, "Neural Cleanse starts per class");
  app.add_option("--threshold", options.threshold, "anomaly index threshold");
  app.add_option("--shadows", options.shadows, "LiRA shadow models (0: threshold attacks only)");
  app.add_option("--shadow-epochs", options.shadow_epochs, "most epochs a shadow model trains");
  app.add_option("--cv-folds", options.cv_folds, "confident learning folds (0: no label-noise check)");
  app.add_option("--cv-epochs", options.cv_epochs, "epochs each confident-learning model trains");
  app.add_option("--max-samples", options.max_samples, "inputs used from --data");
  app.add_option("--examples", options.examples, "adversarial examples kept per attack");
  app.add_option("--device", options.device)->check(CLI::IsMember({"cpu", "cuda"}));
  app.add_option("--threads", options.threads);
  app.add_option("--seed", options.seed);
  try {
    app.parse(argc, argv);
    std::stringstream names(attacks);
    for (std::string name; std::getline(names, name, ',');)
      if (!name.empty()) options.attacks.push_back(name);
    for (const auto& name : options.attacks)
      if (!std::set<std::string>{"fgsm", "pgd", "pgd_linf", "pgd_l2", "backdoor", "strip", "poisoning", "membership"}.contains(name))
        throw CLI::ValidationError("--attacks", "unknown attack '" + name + "'");
    if (!eps.empty()) options.eps = list_of<double>(eps);
    if (!eps_l2.empty()) options.eps_l2 = list_of<double>(eps_l2);
    if (!shape.empty()) options.input_shape = list_of<int64_t>(shape);
    if (!mean.empty()) options.mean = list_of<double>(mean);
    if (!std_dev.empty()) options.std = list_of<double>(std_dev);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;  // usage errors: 2, as for mlaudit
  } catch (const std::invalid_argument&) {
    std::cerr << "mlaudit-probe: a list option holds something that is not a number\n";
    return 2;
  }
  try {
    std::cout << run(options).dump() << "\n";
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
