#pragma once
// One table of the probe's options. It makes the flags of `mlaudit probe` and of
// mlaudit-probe (the same flags: the scanner passes them through), the child's argv, and the
// `probes:` entries of .mlaudit.yml (pipeline/project_config reads them and adds their
// schema). A new option is one row here and one field in ProbeSettings.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace CLI {
class App;
}

namespace mlaudit {

// What mlaudit-probe is asked to do; a value left at its default is not passed to the child.
struct ProbeSettings {
  std::filesystem::path model, data;
  std::optional<std::filesystem::path> labels, train, train_labels, holdout, holdout_labels, strip_inputs;
  std::vector<std::string> attacks;                      // empty: all the data allows
  std::vector<double> eps{0.01, 0.03, 0.05, 0.1, 0.2}, eps_l2{0.25, 0.5, 1.0, 2.0};
  std::vector<int64_t> input_shape;
  std::vector<double> mean, std;
  std::optional<double> clip_min, clip_max;              // default: min(0, data), max(1, data)
  int steps = 10, nc_steps = 200, nc_restarts = 3;
  int shadows = 8, shadow_epochs = 100, cv_folds = 5, cv_epochs = 20;   // LiRA and confident-learning budgets
  int64_t max_samples = 1000, target_class = -1;
  int examples = 4, threads = 0;
  double threshold = 2.0;                                // backdoor anomaly index
  bool random_start = false, targeted = false;
  std::string device = "cpu";
  uint64_t seed = 0;
};

using ProbeField = std::variant<std::filesystem::path ProbeSettings::*, std::optional<std::filesystem::path> ProbeSettings::*,
                                std::vector<std::string> ProbeSettings::*, std::vector<double> ProbeSettings::*,
                                std::vector<int64_t> ProbeSettings::*, std::optional<double> ProbeSettings::*,
                                int ProbeSettings::*, int64_t ProbeSettings::*, uint64_t ProbeSettings::*,
                                double ProbeSettings::*, bool ProbeSettings::*, std::string ProbeSettings::*>;

struct ProbeOption {
  std::string_view flag;          // "--nc-steps"; "model" is the positional argument
  std::string_view config_key;    // its key in a .mlaudit.yml `probes:` entry; "" when it has none
  ProbeField field;
  std::string_view help;          // names the default
  std::string_view constraints;   // more of the .mlaudit.yml schema entry (YAML), e.g. "{minimum: 1}"
};

const std::vector<ProbeOption>& probe_options();

// Every option as a flag of `app`, bound to `settings`.
void add_probe_options(CLI::App& app, ProbeSettings& settings);
// The arguments that give `settings` to mlaudit-probe (after its path): the model, then
// each option not at its default.
std::vector<std::string> probe_option_arguments(const ProbeSettings& settings);

}  // namespace mlaudit
