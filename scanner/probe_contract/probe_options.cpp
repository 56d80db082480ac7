#include "probe_contract/probe_options.h"

#include <CLI/CLI.hpp>

#include <charconv>

#include "probe_contract/attacks.h"

namespace mlaudit {
namespace fs = std::filesystem;
using S = ProbeSettings;

namespace {
template <typename T>
constexpr bool is_list = false;
template <typename T>
constexpr bool is_list<std::vector<T>> = true;
}  // namespace

const std::vector<ProbeOption>& probe_options() {
  static const std::vector<ProbeOption> options{
      {"model", "model", &S::model, "TorchScript model", ""},
      {"--data", "data", &S::data, "Clean inputs (.npy, .npz, .pt, .csv)", ""},
      {"--labels", "labels", &S::labels, "Labels of --data (or inside it: .npz keys x/y)", ""},
      {"--train", "train", &S::train, "Training set: members, and checked for poison", ""},
      {"--train-labels", "train_labels", &S::train_labels, "Labels of --train", ""},
      {"--holdout", "holdout", &S::holdout, "Data the model never saw: non-members", ""},
      {"--holdout-labels", "holdout_labels", &S::holdout_labels, "Labels of --holdout", ""},
      {"--strip-inputs", "strip_inputs", &S::strip_inputs, "Inputs to check for triggers with STRIP", ""},
      {"--attacks", "attacks", &S::attacks, "", ""},   // help from the attack list
      {"--eps", "eps", &S::eps, "L-inf budgets for fgsm and pgd_linf (default 0.01,0.03,0.05,0.1,0.2); the smallest is judged", ""},
      {"--eps-l2", "eps_l2", &S::eps_l2, "L2 budgets for pgd_l2 (default 0.25,0.5,1,2)", ""},
      {"--steps", "steps", &S::steps, "PGD steps (default 10; step size 2.5·eps/steps)", "{minimum: 1}"},
      {"--random-start", "", &S::random_start, "PGD starts at a random point of the eps-ball", ""},
      {"--targeted", "", &S::targeted, "Targeted attacks (target = label + 1 mod classes)", ""},
      {"--target-class", "", &S::target_class, "Target of targeted attacks (default: label + 1 mod classes)", ""},
      {"--input-shape", "input_shape", &S::input_shape, "Shape of one input, e.g. 1,28,28 (reshapes flat rows)", ""},
      {"--mean", "mean", &S::mean, "Per-channel normalisation mean applied before the model", ""},
      {"--std", "std", &S::std, "Per-channel normalisation std", ""},
      {"--clip-min", "", &S::clip_min, "Smallest valid input value (default: min(0, data))", ""},
      {"--clip-max", "", &S::clip_max, "Largest valid input value (default: max(1, data))", ""},
      {"--nc-steps", "nc_steps", &S::nc_steps, "Neural Cleanse optimisation steps per class (default 200)", "{minimum: 10}"},
      {"--nc-restarts", "nc_restarts", &S::nc_restarts, "Neural Cleanse starts per class; the smallest trigger wins (default 3)",
       "{minimum: 1, maximum: 10}"},
      {"--shadows", "shadows", &S::shadows, "LiRA shadow models trained from the model's architecture (default 8; 0: none)",
       "{minimum: 0, maximum: 64}"},
      {"--shadow-epochs", "shadow_epochs", &S::shadow_epochs, "Most epochs a shadow model trains (default 100)", "{minimum: 1}"},
      {"--cv-folds", "cv_folds", &S::cv_folds, "Confident-learning folds for label noise (default 5; 0: none)",
       "{minimum: 0, maximum: 20}"},
      {"--cv-epochs", "cv_epochs", &S::cv_epochs, "Epochs each confident-learning model trains (default 20)", "{minimum: 1}"},
      {"--threshold", "", &S::threshold, "Backdoor anomaly-index threshold (default 2)", ""},
      {"--max-samples", "max_samples", &S::max_samples, "Inputs of --data used (default 1000)", "{minimum: 1}"},
      {"--examples", "", &S::examples, "Adversarial examples kept per attack (default 4)", ""},
      {"--device", "device", &S::device, "cpu or cuda", "{enum: [cpu, cuda]}"},
      {"--threads", "", &S::threads, "CPU threads for LibTorch (default: all)", ""},
      {"--seed", "", &S::seed, "Seed of every random choice (default 0)", ""},
  };
  return options;
}

void add_probe_options(CLI::App& app, ProbeSettings& settings) {
  static const std::string attacks_help = attack_names_for_help() + " (default: all the data allows)";
  for (const auto& option : probe_options()) {
    std::string help(option.flag == "--attacks" ? std::string_view(attacks_help) : option.help);
    std::visit(
        [&](auto member) {
          auto& value = settings.*member;
          using Value = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<Value, bool>) {
            app.add_flag(std::string(option.flag), value, help);
          } else {
            CLI::Option* added = app.add_option(std::string(option.flag), value, help);
            if (option.flag == "model" || option.flag == "--data") added->required();
            if constexpr (is_list<Value>) added->delimiter(',');
            if (option.flag == "--attacks") added->check(CLI::IsMember(accepted_attack_names()));
            if (option.flag == "--device") added->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
          }
        },
        option.field);
  }
}

namespace {

template <typename Value>
std::string text_of(const Value& value) {
  if constexpr (std::is_same_v<Value, std::string>) {
    return value;
  } else if constexpr (std::is_same_v<Value, fs::path>) {
    return value.string();
  } else {
    char buffer[64];   // the shortest text that reads back as the same number
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return std::string(buffer, end);
  }
}

template <typename Item>
std::string joined(const std::vector<Item>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ",") + text_of(value);
  return text;
}

}  // namespace

std::vector<std::string> probe_option_arguments(const ProbeSettings& settings) {
  static const ProbeSettings defaults;
  std::vector<std::string> arguments;
  for (const auto& option : probe_options()) {
    std::visit(
        [&](auto member) {
          const auto& value = settings.*member;
          using Value = std::decay_t<decltype(value)>;
          std::string flag(option.flag);
          if constexpr (std::is_same_v<Value, fs::path>)
            if (flag == "model") return arguments.push_back(value.string());
          if (value == defaults.*member && flag != "--data") return;
          if constexpr (std::is_same_v<Value, bool>) arguments.push_back(flag);
          else if constexpr (requires { value.has_value(); }) arguments.insert(arguments.end(), {flag, text_of(*value)});
          else if constexpr (is_list<Value>)
            arguments.insert(arguments.end(), {flag, joined(value)});
          else arguments.insert(arguments.end(), {flag, text_of(value)});
        },
        option.field);
  }
  return arguments;
}

}  // namespace mlaudit
