#include "reports/html/probe_figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlaudit {
namespace {

using json = nlohmann::ordered_json;

constexpr int kWidth = 360, kHeight = 220, kLeft = 44, kRight = 12, kTop = 12, kBottom = 34;
const char* kColours[] = {"#2563eb", "#dc2626", "#16a34a", "#9333ea"};

std::string number(double value, const char* format = "%.3g") {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// A chart frame with y from 0 to 1 and x from 0 to x_max; returns the SVG opening and axes.
std::string frame(double x_max, const std::string& x_label, const std::string& y_label) {
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(kWidth) + " " + std::to_string(kHeight) +
                    "\" width=\"" + std::to_string(kWidth) + "\" height=\"" + std::to_string(kHeight) +
                    "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">";
  int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  for (int i = 0; i <= 4; ++i) {
    double y = kTop + plot_h * (1 - i / 4.0);
    svg += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kLeft + plot_w) + "\" y1=\"" + number(y, "%.1f") +
           "\" y2=\"" + number(y, "%.1f") + "\" stroke=\"#e5e7eb\"/>";
    svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + number(y + 3, "%.1f") +
           "\" font-size=\"9\" text-anchor=\"end\">" + number(i / 4.0, "%.2f") + "</text>";
  }
  for (int i = 0; i <= 4; ++i) {
    double x = kLeft + plot_w * i / 4.0;
    svg += "<text x=\"" + number(x, "%.1f") + "\" y=\"" + std::to_string(kTop + plot_h + 12) +
           "\" font-size=\"9\" text-anchor=\"middle\">" + number(x_max * i / 4.0) + "</text>";
  }
  svg += "<text x=\"" + std::to_string(kLeft + plot_w / 2) + "\" y=\"" + std::to_string(kHeight - 4) +
         "\" font-size=\"10\" text-anchor=\"middle\">" + x_label + "</text>";
  svg += "<text x=\"10\" y=\"" + std::to_string(kTop + plot_h / 2) + "\" font-size=\"10\" text-anchor=\"middle\" transform=\"rotate(-90 10 " +
         std::to_string(kTop + plot_h / 2) + ")\">" + y_label + "</text>";
  return svg;
}

std::string polyline(const std::vector<std::pair<double, double>>& points, double x_max, const char* colour) {
  int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::string path;
  for (const auto& [x, y] : points)
    path += number(kLeft + plot_w * (x_max > 0 ? x / x_max : 0), "%.1f") + "," +
            number(kTop + plot_h * (1 - std::clamp(y, 0.0, 1.0)), "%.1f") + " ";
  std::string svg = "<polyline fill=\"none\" stroke=\"" + std::string(colour) + "\" stroke-width=\"2\" points=\"" + path + "\"/>";
  for (const auto& [x, y] : points)
    svg += "<circle r=\"2.5\" fill=\"" + std::string(colour) + "\" cx=\"" + number(kLeft + plot_w * (x_max > 0 ? x / x_max : 0), "%.1f") +
           "\" cy=\"" + number(kTop + plot_h * (1 - std::clamp(y, 0.0, 1.0)), "%.1f") + "\"/>";
  return svg;
}

std::string legend(const std::vector<std::string>& names) {
  std::string svg;
  for (size_t i = 0; i < names.size(); ++i)
    svg += "<text x=\"" + std::to_string(kWidth - kRight - 4) + "\" y=\"" + std::to_string(kTop + 12 + 12 * i) +
           "\" font-size=\"10\" text-anchor=\"end\" fill=\"" + kColours[i % 4] + "\">" + names[i] + "</text>";
  return svg;
}

}  // namespace

std::string robustness_curve_svg(const EvasionReport& evasion) {
  // L∞ attacks share one axis; L2 budgets are on another scale, so they get their own chart.
  std::string out;
  for (const auto& group : {std::vector<std::string>{"fgsm", "pgd_linf"}, std::vector<std::string>{"pgd_l2"}}) {
    double x_max = 0;
    std::vector<const EvasionCurve*> present;
    for (const auto& curve : evasion.curves)
      if (std::find(group.begin(), group.end(), curve.attack) != group.end() && !curve.points.empty()) {
        present.push_back(&curve);
        for (const auto& point : curve.points) x_max = std::max(x_max, point.eps);
      }
    if (present.empty()) continue;
    std::string svg = frame(x_max, group.size() == 1 ? "L2 budget ε" : "L∞ budget ε", "accuracy");
    std::vector<std::string> names;
    for (size_t i = 0; i < present.size(); ++i) {
      std::vector<std::pair<double, double>> points{{0.0, evasion.clean_accuracy}};
      for (const auto& point : present[i]->points) points.push_back({point.eps, point.robust_accuracy});
      svg += polyline(points, x_max, kColours[i % 4]);
      names.push_back(present[i]->attack);
    }
    out += svg + legend(names) + "</svg>";
  }
  return out;
}

std::string anomaly_index_svg(const BackdoorReport& backdoor) {
  const auto& index = backdoor.anomaly_index;
  const auto& norms = backdoor.trigger_l1;
  double threshold = backdoor.threshold, top = threshold * 1.5;
  for (double value : index) top = std::max(top, value * 1.1);
  int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(kWidth) + " " + std::to_string(kHeight) + "\" width=\"" +
                    std::to_string(kWidth) + "\" height=\"" + std::to_string(kHeight) + "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">";
  double median = 0;
  if (!norms.empty()) {
    std::vector<double> sorted = norms;
    std::sort(sorted.begin(), sorted.end());
    median = sorted[sorted.size() / 2];
  }
  double bar = double(plot_w) / std::max<size_t>(index.size(), 1);
  for (size_t i = 0; i < index.size(); ++i) {
    double value = index[i];
    bool small = i < norms.size() && norms[i] < median;
    bool flagged = small && value > threshold;
    double height = plot_h * value / top;
    svg += "<rect x=\"" + number(kLeft + bar * i + 2, "%.1f") + "\" y=\"" + number(kTop + plot_h - height, "%.1f") + "\" width=\"" +
           number(bar - 4, "%.1f") + "\" height=\"" + number(height, "%.1f") + "\" fill=\"" + (flagged ? "#dc2626" : small ? "#2563eb" : "#9ca3af") +
           "\"><title>class " + std::to_string(i) + ": anomaly index " + number(value) +
           (i < norms.size() ? ", trigger L1 " + number(norms[i]) : "") + "</title></rect>";
    svg += "<text x=\"" + number(kLeft + bar * i + bar / 2, "%.1f") + "\" y=\"" + std::to_string(kTop + plot_h + 12) +
           "\" font-size=\"9\" text-anchor=\"middle\">" + std::to_string(i) + "</text>";
  }
  double y = kTop + plot_h * (1 - threshold / top);
  svg += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kLeft + plot_w) + "\" y1=\"" + number(y, "%.1f") + "\" y2=\"" +
         number(y, "%.1f") + "\" stroke=\"#dc2626\" stroke-dasharray=\"4 3\"/>";
  svg += "<text x=\"" + std::to_string(kLeft + plot_w) + "\" y=\"" + number(y - 3, "%.1f") + "\" font-size=\"9\" text-anchor=\"end\" fill=\"#dc2626\">threshold " +
         number(threshold) + "</text>";
  svg += "<text x=\"" + std::to_string(kLeft + plot_w / 2) + "\" y=\"" + std::to_string(kHeight - 4) +
         "\" font-size=\"10\" text-anchor=\"middle\">class (blue: smaller trigger than the median; red: flagged)</text>";
  svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + std::to_string(kTop + 8) + "\" font-size=\"9\" text-anchor=\"end\">" + number(top) + "</text>";
  svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + std::to_string(kTop + plot_h) + "\" font-size=\"9\" text-anchor=\"end\">0</text>";
  return svg + "</svg>";
}

std::string roc_svg(const MembershipReport& membership) {
  if (membership.attacks.empty()) return "";
  std::string svg = frame(1.0, "false-positive rate (non-members called members)", "true-positive rate");
  svg += polyline({{0, 0}, {1, 1}}, 1.0, "#9ca3af");
  std::vector<std::string> names;
  size_t i = 0;
  for (const auto& attack : membership.attacks) {
    std::vector<std::pair<double, double>> points;
    for (const auto& point : attack.curve) points.push_back({point[0], point[1]});
    svg += polyline(points, 1.0, kColours[i % 4]);
    names.push_back(attack.attack + " (AUC " + number(attack.auc, "%.2f") + ")");
    ++i;
  }
  return svg + legend(names) + "</svg>";
}

std::string image_svg(const ImageJson& image, int pixel) {
  if (!image.is_array() || image.empty()) return "";
  // [C][H][W] or [H][W]: draw the first channel in grey (RGB when there are three).
  bool three_d = image[0].is_array() && !image[0].empty() && image[0][0].is_array();
  const json& plane = three_d ? image[0] : image;
  if (!plane.is_array() || plane.empty() || !plane[0].is_array()) return "";
  size_t height = plane.size(), width = plane[0].size();
  bool rgb = three_d && image.size() == 3;
  double low = INFINITY, high = -INFINITY;
  for (const auto& channel : three_d ? image : json::array({image}))
    for (const auto& row : channel)
      for (const auto& value : row) low = std::min(low, value.get<double>()), high = std::max(high, value.get<double>());
  double range = high > low ? high - low : 1.0;
  std::string svg = "<svg class=\"pixels\" width=\"" + std::to_string(width * pixel) + "\" height=\"" + std::to_string(height * pixel) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\" shape-rendering=\"crispEdges\">";
  for (size_t y = 0; y < height; ++y)
    for (size_t x = 0; x < width; ++x) {
      auto level = [&](const json& channel) {
        return static_cast<int>(std::lround(255 * (channel[y][x].get<double>() - low) / range));
      };
      int r = level(plane), g = r, b = r;
      if (rgb) g = level(image[1]), b = level(image[2]);
      char colour[8];
      std::snprintf(colour, sizeof colour, "#%02x%02x%02x", r, g, b);
      svg += "<rect x=\"" + std::to_string(x * pixel) + "\" y=\"" + std::to_string(y * pixel) + "\" width=\"" + std::to_string(pixel) +
             "\" height=\"" + std::to_string(pixel) + "\" fill=\"" + colour + "\"/>";
    }
  return svg + "</svg>";
}

}  // namespace mlaudit
