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

std::vector<double> leave_one_out_z(const std::vector<double>& values, double min_spread) {
  std::vector<double> z;
  for (size_t i = 0; i < values.size(); ++i) {
    std::vector<double> others;
    for (size_t j = 0; j < values.size(); ++j)
      if (j != i) others.push_back(values[j]);
    double center = median(others);
    std::vector<double> deviations;
    for (double value : others) deviations.push_back(std::abs(value - center));
    z.push_back((values[i] - center) / std::max(1.4826 * median(deviations), min_spread));
  }
  return z;
}

}  // namespace mlaudit::probe
