// The invariant of the brief: no personal value and no secret the scan saw appears in any
// report. Every fixture is scanned and written in every format; the values are gathered
// from the raw files the facts point at (the dataset cells of the columns the profiler
// flagged, the personal values in notebook outputs, the spans the secrets extractor found),
// then searched for in each report file.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "extract/data/table_reader.h"
#include "extract/notebook/notebook_reader.h"
#include "personal/text_scanner.h"
#include "reports/report_writer.h"
#include "sniff/sniffer.h"
#include "test_support.h"
#include "util/text.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;

// Shorter values (an age, a gender, a two-letter country) are found in any text by chance.
constexpr size_t kShortestValue = 6;

struct SensitiveValues {
  std::set<std::string> personal, secrets;
  size_t size() const { return personal.size() + secrets.size(); }
};

std::string file_text(const fs::path& path) { return testing::read_text(path); }

void add_value(std::set<std::string>& values, std::string_view value) {
  value = trim(value);
  if (value.size() >= kShortestValue) values.emplace(value);
}

// Every value of the columns the profiler flagged, read the way the extractor reads them.
void add_column_values(const fs::path& root, const std::string& dataset, const std::set<std::string>& columns,
                       std::set<std::string>& values) {
  fs::path absolute = root / dataset;
  std::string bytes = file_text(absolute);
  SniffResult sniffed = sniff(absolute, dataset, std::string_view(bytes).substr(0, kSniffHeadBytes), bytes.size());
  TableShape shape;
  TableOptions every_row;
  every_row.max_rows = 0;
  read_table(bytes, sniffed.kind, every_row, shape, [&](size_t column, std::string_view value) {
    if (column < shape.columns.size() && columns.contains(shape.columns[column])) add_value(values, value);
  });
}

void add_notebook_values(const fs::path& notebook_path, std::set<std::string>& values) {
  NotebookError error;
  auto notebook = read_notebook(file_text(notebook_path), error);
  if (!notebook) return;
  for (const auto& cell : notebook->cells)
    for (const auto& output : cell.outputs)
      personal::for_each_personal_value(output.text, output.file_line,
                                        [&](const personal::Category&, std::string_view value, size_t) { add_value(values, value); });
}

// The exact text of each secret, from the span the secrets extractor reported.
void add_secret(const fs::path& root, const Location& at, std::set<std::string>& values) {
  std::string content = file_text(root / at.file);
  auto lines = split_lines(content);
  if (at.line == 0 || at.line > lines.size()) return;
  if (at.end_line > at.line) {  // a key block: every line inside is secret
    for (uint32_t line = at.line + 1; line < at.end_line && line <= lines.size(); ++line) add_value(values, lines[line - 1]);
    return;
  }
  std::string_view text = lines[at.line - 1];
  size_t begin = at.column > 0 ? at.column - 1 : 0;
  size_t end = at.end_column > 0 ? at.end_column - 1 : text.size();
  if (begin < end && end <= text.size()) add_value(values, text.substr(begin, end - begin));
}

SensitiveValues sensitive_values(const ScanResult& result) {
  SensitiveValues values;
  const fs::path& root = result.root;
  std::map<std::string, std::set<std::string>> personal_columns;  // dataset -> columns
  std::set<std::string> notebooks;
  for (const auto& fact : result.extraction.facts) {
    if (fact.type == FactType::personal_data)
      personal_columns[fact.props.value("dataset", "")].insert(fact.props.value("column", ""));
    else if (fact.type == FactType::output_personal_data)
      notebooks.insert(fact.location.file);
    else if (fact.type == FactType::secret)
      add_secret(root, fact.location, values.secrets);
  }
  for (const auto& [dataset, columns] : personal_columns) add_column_values(root, dataset, columns, values.personal);
  for (const auto& notebook : notebooks) add_notebook_values(root / notebook, values.personal);
  return values;
}

// How a value would read in each format: as is, JSON-escaped, HTML-escaped.
std::vector<std::string> written_forms(const std::string& value) {
  std::string json = nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string html;
  for (char c : value) {
    switch (c) {
      case '&': html += "&amp;"; break;
      case '<': html += "&lt;"; break;
      case '>': html += "&gt;"; break;
      case '"': html += "&quot;"; break;
      case '\'': html += "&#39;"; break;
      default: html += c;
    }
  }
  return {value, json.substr(1, json.size() - 2), html};
}

struct Leak {
  std::string format, value;
};

std::vector<Leak> leaks_in_reports(const ScanResult& result, const SensitiveValues& values) {
  testing::TempDir out;
  ReportRequest request{report_format_names(), out.path(), true};
  std::vector<Leak> leaks;
  for (const auto& path : write_reports(result, request)) {
    std::string text = file_text(path);
    for (const auto* set : {&values.personal, &values.secrets})
      for (const auto& value : *set)
        for (const auto& form : written_forms(value))
          if (text.find(form) != std::string::npos) {
            leaks.push_back({path.filename().string(), value});
            break;
          }
  }
  return leaks;
}

ScanResult scan_without_probes(const fs::path& target) {
  ScanOptions options;
  options.target = target;
  options.jobs = 2;
  options.run_probes = false;  // the probes read models, not the values checked here
  return run_scan(options);
}

// Every fixture project: the sample projects, the personal-data corpus, each rule fixture.
std::vector<std::string> fixture_projects() {
  std::vector<std::string> projects = {"personal-data"};
  for (const auto& entry : fs::directory_iterator(testing::fixture("projects")))
    projects.push_back("projects/" + entry.path().filename().string());
  for (const auto& pack : fs::directory_iterator(testing::fixture("rules")))
    for (const auto& entry : fs::directory_iterator(pack.path()))
      projects.push_back("rules/" + pack.path().filename().string() + "/" + entry.path().filename().string());
  std::sort(projects.begin(), projects.end());
  return projects;
}

class NoSensitiveValueInReports : public ::testing::TestWithParam<std::string> {};

TEST_P(NoSensitiveValueInReports, InAnyFormat) {
  ScanResult result = scan_without_probes(testing::fixture(GetParam()));
  // Timings print up to 17 digits: a salary of six digits turned up in one by chance. They
  // are measurements, not scanned content, so they are set to whole numbers here.
  for (double* seconds : {&result.stats.walk_seconds, &result.stats.extract_seconds, &result.stats.graph_seconds,
                          &result.stats.rules_seconds, &result.stats.total_seconds, &result.stats.advisory_load_seconds,
                          &result.stats.advisory_check_seconds})
    *seconds = 1;
  SensitiveValues values = sensitive_values(result);
  RecordProperty("personal_values", static_cast<int>(values.personal.size()));
  RecordProperty("secrets", static_cast<int>(values.secrets.size()));
  for (const auto& leak : leaks_in_reports(result, values))
    ADD_FAILURE() << GetParam() << ": " << leak.format << " quotes \"" << leak.value << "\"";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, NoSensitiveValueInReports, ::testing::ValuesIn(fixture_projects()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// The check above is only as good as the values it gathers: each source must yield some.
TEST(NoSensitiveValueInReports, GathersValuesFromEverySource) {
  auto personal = sensitive_values(scan_without_probes(testing::fixture("personal-data")));
  EXPECT_TRUE(personal.personal.contains("jane.doe@example.com") || personal.personal.size() > 100) << personal.personal.size();
  auto notebook = sensitive_values(scan_without_probes(testing::fixture("rules/gdpr/gdpr.personal-data-in-notebook-output")));
  EXPECT_FALSE(notebook.personal.empty());
  auto service = sensitive_values(scan_without_probes(testing::fixture("projects/vulnerable-service")));
  EXPECT_FALSE(service.secrets.empty());
  EXPECT_FALSE(service.personal.empty());
}

}  // namespace
}  // namespace mlaudit
