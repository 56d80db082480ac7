#pragma once
// Median and a leave-one-out robust z-score, shared by Neural Cleanse (trigger sizes per
// class) and activation clustering (how widely each class's clusters spread).
#include <vector>

namespace mlaudit::probe {

double median(std::vector<double> values);

// (value - median of the others) / max(1.4826 · MAD of the others, min_spread) for each
// value: the reference leaves the value out, so one outlier does not shift its own yardstick,
// and the floor keeps near-identical values from turning noise into large scores.
std::vector<double> leave_one_out_z(const std::vector<double>& values, double min_spread);

}  // namespace mlaudit::probe
