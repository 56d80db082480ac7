#pragma once
// Median and the MAD anomaly index, shared by Neural Cleanse (trigger sizes per class) and
// activation clustering (cluster separation per class).
#include <vector>

namespace mlaudit::probe {

double median(std::vector<double> values);

// |value - median| / (1.4826 · MAD) for each value (0 when the MAD is 0).
std::vector<double> mad_anomaly_index(const std::vector<double>& values);

}  // namespace mlaudit::probe
