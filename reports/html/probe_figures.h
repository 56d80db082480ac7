#pragma once
// Inline SVG figures for the probe section of the HTML report, drawn from a probe's JSON
// document: accuracy against the perturbation budget, the anomaly index per class with its
// threshold, ROC curves, and small images (adversarial examples, recovered triggers).
#include <nlohmann/json.hpp>

#include <string>

namespace mlaudit {

std::string robustness_curve_svg(const nlohmann::ordered_json& evasion);
std::string anomaly_index_svg(const nlohmann::ordered_json& backdoor);
std::string roc_svg(const nlohmann::ordered_json& membership);
// A 2-D (H×W) or 3-D (C×H×W, first channel, or RGB when C = 3) nested list as pixels.
std::string image_svg(const nlohmann::ordered_json& image, int pixel = 6);

}  // namespace mlaudit
