#include "probe/robust_statistics.h"

#include <algorithm>
#include <cmath>

namespace mlaudit::probe {

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::vector<double> mad_anomaly_index(const std::vector<double>& values) {
  double center = median(values);
  std::vector<double> deviations;
  for (double value : values) deviations.push_back(std::abs(value - center));
  double mad = median(deviations) * 1.4826;
  std::vector<double> index;
  for (double value : values) index.push_back(mad > 0 ? std::abs(value - center) / mad : 0.0);
  return index;
}

}  // namespace mlaudit::probe
