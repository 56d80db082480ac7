#pragma once
// Inline SVG figures for the probe section of the HTML report, drawn from a probe's typed
// report: accuracy against the perturbation budget, the anomaly index per class with its
// threshold, ROC curves, and small images (adversarial examples, recovered triggers).
#include <string>

#include "probe_contract/probe_report.h"

namespace mlaudit {

std::string robustness_curve_svg(const EvasionReport& evasion);
std::string anomaly_index_svg(const BackdoorReport& backdoor);
std::string roc_svg(const MembershipReport& membership);
// A 2-D (H×W) or 3-D (C×H×W, first channel, or RGB when C = 3) nested list as pixels.
std::string image_svg(const ImageJson& image, int pixel = 6);

}  // namespace mlaudit
