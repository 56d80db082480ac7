// The probe's option table (probe_contract/probe_options.h) makes both executables' flags,
// the child's argv and the .mlaudit.yml `probes:` entries: what the scanner passes is what the
// child reads back, and a declaration is checked against the table's constraints.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "pipeline/project_config.h"
#include "probe_contract/probe_options.h"
#include "test_support.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;

// The child's side: parse the arguments as mlaudit-probe does.
ProbeSettings parsed_by_child(const std::vector<std::string>& arguments) {
  ProbeSettings settings;
  CLI::App app;
  add_probe_options(app, settings);
  std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
  app.parse(reversed);   // CLI11 takes a vector in reverse order
  return settings;
}

bool same(const ProbeSettings& a, const ProbeSettings& b) {
  bool equal = true;
  for (const auto& option : probe_options())
    std::visit([&](auto member) { equal = equal && a.*member == b.*member; }, option.field);
  return equal;
}

TEST(ProbeOptions, WhatTheScannerPassesTheChildReadsBack) {
  ProbeSettings settings;
  settings.model = "models/net.pt";
  settings.data = "data/x.npy";
  settings.labels = "data/y.npy";
  settings.attacks = {"fgsm", "membership"};
  settings.eps = {0.05, 0.1};
  settings.input_shape = {1, 28, 28};
  settings.clip_min = -0.5;
  settings.nc_restarts = 2;
  settings.max_samples = 64;
  settings.threshold = 2.5;
  settings.random_start = true;
  settings.device = "cuda";
  settings.seed = 7;
  std::vector<std::string> arguments = probe_option_arguments(settings);
  EXPECT_TRUE(same(parsed_by_child(arguments), settings));
  // Values at their defaults are left to the child.
  for (const char* flag : {"--steps", "--eps-l2", "--targeted", "--threads"})
    EXPECT_EQ(std::find(arguments.begin(), arguments.end(), flag), arguments.end()) << flag;
  EXPECT_EQ(arguments.front(), "models/net.pt");
  // Defaults alone: the model and --data.
  ProbeSettings minimal;
  minimal.model = "m.pt", minimal.data = "x.npy";
  EXPECT_EQ(probe_option_arguments(minimal), (std::vector<std::string>{"m.pt", "--data", "x.npy"}));
}

TEST(ProbeOptions, UnknownAttackIsAUsageError) {
  EXPECT_THROW(parsed_by_child({"m.pt", "--data", "x.npy", "--attacks", "fgsm,teleport"}), CLI::ValidationError);
  EXPECT_EQ(parsed_by_child({"m.pt", "--data", "x.npy", "--attacks", "pgd,strip"}).attacks,
            (std::vector<std::string>{"pgd", "strip"}));
}

TEST(ProbeOptions, DeclarationsReadEveryTableKeyAndItsConstraints) {
  testing::TempDir folder;
  auto config = folder.write(".mlaudit.yml",
                             "probes:\n"
                             "  - model: models/net.pt\n"
                             "    data: x.npy\n"
                             "    train: train.npy\n"
                             "    attacks: [pgd, membership]\n"
                             "    eps: [0.1]\n"
                             "    input_shape: [1, 8, 8]\n"
                             "    nc_restarts: 4\n"
                             "    max_samples: 32\n"
                             "    device: cuda\n"
                             "    clip: [0, 2]\n"
                             "    thresholds: {anomaly_index: 3, membership_auc: 0.7}\n");
  ProjectConfig loaded = load_project_config(config);
  ASSERT_EQ(loaded.probes.size(), 1u);
  const ProbeRequest& request = loaded.probes[0].request;
  EXPECT_EQ(request.model, folder.path() / "models/net.pt");
  EXPECT_EQ(request.train, folder.path() / "train.npy");
  EXPECT_EQ(request.attacks, (std::vector<std::string>{"pgd", "membership"}));
  EXPECT_EQ(request.eps, std::vector<double>{0.1});
  EXPECT_EQ(request.input_shape, (std::vector<int64_t>{1, 8, 8}));
  EXPECT_EQ(request.nc_restarts, 4);
  EXPECT_EQ(request.max_samples, 32);
  EXPECT_EQ(request.device, "cuda");
  EXPECT_EQ(request.clip_max, 2.0);
  EXPECT_EQ(request.threshold, 3.0);
  EXPECT_EQ(loaded.probes[0].thresholds.max_membership_auc, 0.7);
  // The table's constraints reach the schema: nc_restarts at most 10, attacks from the list,
  // and a key the table does not have is refused.
  for (const char* bad : {"nc_restarts: 11", "attacks: [teleport]", "nc_step: 50"}) {
    auto file = folder.write("bad.yml", std::string("probes:\n  - {model: m.pt, data: x.npy, ") + bad + "}\n");
    EXPECT_THROW(load_project_config(file), ConfigError) << bad;
  }
}

}  // namespace
}  // namespace mlaudit
