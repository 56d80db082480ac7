// Personal-data recognition: the validators on known good and bad values, masking, the
// table reader's dialects and encodings, and column classification measured against the
// labelled set in fixtures/personal-data/ (made by fixtures/make_personal_data.py).
#include <gtest/gtest.h>

#include <array>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "extract/data/table_reader.h"
#include "personal/column_profiler.h"
#include "personal/masking.h"
#include "personal/text_scanner.h"
#include "personal/validators.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace mlaudit {
namespace {

using namespace personal;

TEST(PersonalValidators, ChecksumsAcceptRealAndRejectLookAlikes) {
  EXPECT_TRUE(is_iban("DE89 3704 0044 0532 0130 00"));
  EXPECT_TRUE(is_iban("GB82WEST12345698765432"));
  EXPECT_FALSE(is_iban("DE88 3704 0044 0532 0130 00"));   // check digits off by one
  EXPECT_FALSE(is_iban("DE89 3704 0044 0532 0130"));      // German IBANs have 22 characters
  EXPECT_TRUE(is_payment_card("4111 1111 1111 1111"));
  EXPECT_TRUE(is_payment_card("378282246310005"));
  EXPECT_FALSE(is_payment_card("4111 1111 1111 1112"));   // Luhn fails
  EXPECT_FALSE(is_payment_card("9111111111111119"));      // passes Luhn, no issuer starts with 9
  EXPECT_TRUE(is_us_ssn("123-45-6789"));
  EXPECT_FALSE(is_us_ssn("666-45-6789"));
  EXPECT_FALSE(is_us_ssn("123-00-6789"));
  EXPECT_TRUE(is_uk_nino("AB 12 34 56 C"));
  EXPECT_FALSE(is_uk_nino("GB 12 34 56 C"));
  EXPECT_TRUE(is_uk_nhs_number("943 476 5919"));
  EXPECT_FALSE(is_uk_nhs_number("943 476 5918"));
  EXPECT_TRUE(is_pl_pesel("44051401359"));
  EXPECT_FALSE(is_pl_pesel("44051401358"));
  EXPECT_TRUE(is_de_tax_id("86095742719"));
  EXPECT_FALSE(is_de_tax_id("86095742718"));
  EXPECT_TRUE(is_in_aadhaar("2345 6789 0124") || is_in_aadhaar("2345 6789 0123") || is_in_aadhaar("2345 6789 0125"));
  EXPECT_TRUE(verhoeff_valid("2363"));
  EXPECT_FALSE(verhoeff_valid("2364"));
  EXPECT_TRUE(is_es_dni("12345678Z"));
  EXPECT_FALSE(is_es_dni("12345678A"));
  EXPECT_TRUE(is_br_cpf("529.982.247-25"));
  EXPECT_FALSE(is_br_cpf("529.982.247-26"));
  EXPECT_FALSE(is_br_cpf("111.111.111-11"));
  EXPECT_TRUE(is_email("jane.o'neil+news@mail.example.co.uk"));
  EXPECT_FALSE(is_email("not an email@"));
  EXPECT_TRUE(is_ipv4("192.168.10.1"));
  EXPECT_FALSE(is_ipv4("300.1.1.1"));
  EXPECT_TRUE(is_ipv6("2001:db8::8a2e:370:7334"));
  EXPECT_TRUE(is_mac_address("00:1A:2b:3C:4d:5E"));
  EXPECT_FALSE(is_mac_address("00:1A:2b-3C:4d:5E"));
  int year = 0, month = 0, day = 0;
  EXPECT_TRUE(parse_date("29.02.2000", year, month, day));
  EXPECT_FALSE(parse_date("29.02.1999", year, month, day));
}

TEST(PersonalMasking, NeverShowsTheValue) {
  EXPECT_EQ(mask_value("jane.doe@example.com"), "j***@e***.com");
  EXPECT_EQ(mask_value("DE89 3704 0044 0532 0130 00"), "**** **** **** **** **** 00");
  EXPECT_EQ(mask_value("Jane Doe"), "J*** D**");
  EXPECT_EQ(mask_value("Müller"), "M*****");
  EXPECT_EQ(mask_value("ab"), "***");
  for (std::string value : {"4111 1111 1111 1111", "+49 151 12345678", "123-45-6789", "Hauptstraße 12"})
    EXPECT_EQ(mask_value(value).find(value.substr(0, 4)), std::string::npos) << value;
}

TEST(PersonalProfiler, LookAlikesWithATellingNameAreRejected) {
  ColumnProfiler ibans("iban");
  for (int i = 0; i < 20; ++i) ibans.add("DE88 3704 0044 0532 0130 0" + std::to_string(i % 10));
  for (const auto& verdict : ibans.verdicts()) EXPECT_NE(verdict.category->id, "bank-account");
  ColumnProfiler valid("col_7");
  for (int i = 0; i < 20; ++i) valid.add("DE89 3704 0044 0532 0130 00");
  auto verdicts = valid.verdicts();
  ASSERT_FALSE(verdicts.empty());
  EXPECT_EQ(verdicts[0].category->id, "bank-account");
  EXPECT_EQ(verdicts[0].source, "values");
  EXPECT_EQ(verdicts[0].example, "**** **** **** **** **** 00");
}

// Values confirm names: the categories a profiler keeps for `name` over `values`.
std::set<std::string> profiled(const std::string& name, const std::vector<std::string>& values) {
  ColumnProfiler profiler(name);
  for (const auto& value : values) profiler.add(value);
  std::set<std::string> found;
  for (const auto& verdict : profiler.verdicts()) found.insert(verdict.category->id);
  return found;
}

TEST(PersonalProfiler, ValuesThatContradictTheNameAreNotPersonal) {
  EXPECT_FALSE(profiled("telephone", {"yes", "no", "no", "yes", "no", "yes"}).contains("phone"));
  EXPECT_FALSE(profiled("Street", {"Pave", "Pave", "Grvl", "Pave", "Grvl", "Pave"}).contains("postal-address"));
  EXPECT_FALSE(profiled("Num_Credit_Card", {"2", "4", "1", "3", "5", "2"}).contains("payment-card"));
  EXPECT_FALSE(profiled("email", {"none", "n.a.", "unknown", "none", "unknown"}).contains("email"));
  // Kept: values with the category's format, a city under an address, and too few values to judge.
  EXPECT_TRUE(profiled("telephone", {"+44 20 7946 0958", "+44 20 7946 0959", "+44 20 7946 0960"}).contains("phone"));
  EXPECT_TRUE(profiled("address.city", {"Austin", "Denver", "Boston", "Austin", "Denver"}).contains("postal-address"));
  EXPECT_TRUE(profiled("Street", {"Main Street 5", "Pave", "Grvl", "Pave", "Grvl"}).contains("postal-address"));
  EXPECT_TRUE(profiled("telephone", {"ask office", "see file"}).contains("phone"));
  // A handful of values refutes a name only when none could be the category at all: short
  // codes and small numbers (a one-record sample of house data: `Street` Pave, `3SsnPorch` 0).
  EXPECT_FALSE(profiled("telephone", {"yes", "no"}).contains("phone"));
  EXPECT_FALSE(profiled("Street", {"Pave"}).contains("postal-address"));
  EXPECT_FALSE(profiled("3SsnPorch", {"0"}).contains("national-id"));
  EXPECT_TRUE(profiled("ssn", {"123-45-6789"}).contains("national-id"));
}

// A column name is not a vulnerable-subject criterion by a word inside it.
TEST(PersonalProfiler, ChildrenByWholeNameOrByAges) {
  EXPECT_FALSE(profiled("driver_relationship_child", {"0", "1", "0", "0", "1"}).contains("child"));
  EXPECT_FALSE(profiled("children", {"0", "2", "1", "3", "0"}).contains("child"));
  EXPECT_FALSE(profiled("kind", {"a", "b", "a", "b", "a"}).contains("child"));
  EXPECT_TRUE(profiled("is_minor", {"true", "false", "true"}).contains("child"));
  EXPECT_FALSE(profiled("pct_long_cells", {"0.1", "0.2", "0.3"}).contains("geolocation"));
  EXPECT_TRUE(profiled("pickup_lat", {"52.52", "48.13", "50.11"}).contains("geolocation"));
}

TEST(PersonalProfiler, AgesUnderSixteenMeanChildren) {
  ColumnProfiler ages("Alter");
  for (int age : {7, 9, 12, 15, 11}) ages.add(std::to_string(age));
  std::set<std::string> found;
  for (const auto& verdict : ages.verdicts()) found.insert(verdict.category->id);
  EXPECT_TRUE(found.contains("age"));
  EXPECT_TRUE(found.contains("child"));
}

TEST(TableReader, DialectsEncodingsAndQuotes) {
  auto read = [](std::string bytes, FileKind kind, uint64_t rows = 0) {
    TableShape shape;
    std::map<std::string, std::vector<std::string>> values;
    read_table(bytes, kind, {rows}, shape, [&](size_t column, std::string_view value) {
      values[shape.columns[column]].emplace_back(value);
    });
    return std::make_pair(shape, values);
  };
  auto [semicolon, semicolon_values] = read("name;city\n\"Doe; Jane\";\"Köln\"\n\"Roe\nRichard\";Bonn\n", FileKind::csv);
  EXPECT_EQ(semicolon.delimiter, ';');
  EXPECT_EQ(semicolon.columns, (std::vector<std::string>{"name", "city"}));
  EXPECT_EQ(semicolon_values["name"], (std::vector<std::string>{"Doe; Jane", "Roe\nRichard"}));
  EXPECT_TRUE(semicolon.complete);

  auto [latin1, latin1_values] = read("pr\xe9nom,ville\nL\xe9\x61,Paris\n", FileKind::csv);
  EXPECT_EQ(latin1.encoding, "windows-1252");
  EXPECT_EQ(latin1.columns[0], "pr\xc3\xa9nom");

  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("email\nx@example.com\n")) utf16 += std::string{c, '\0'};
  auto [wide, wide_values] = read(utf16, FileKind::csv);
  EXPECT_EQ(wide.encoding, "utf-16le");
  EXPECT_EQ(wide_values["email"], (std::vector<std::string>{"x@example.com"}));

  auto [headerless, headerless_values] = read("a@example.com,12.5\nb@example.com,3\n", FileKind::csv);
  EXPECT_FALSE(headerless.header);
  EXPECT_EQ(headerless_values["column_1"].size(), 2u);

  auto [records, record_values] = read(R"([{"user": {"email": "a@example.com"}, "n": 1}, {"user": {"email": "b@example.com"}, "n": 2}])",
                                       FileKind::json_records, 1);
  EXPECT_EQ(records.rows, 1u);  // sampling stops the parser
  EXPECT_EQ(record_values["user.email"], (std::vector<std::string>{"a@example.com"}));
}

TEST(PersonalData, SamplingAndFullScan) {
  testing::TempDir root;
  std::string csv = "ref,contact\n";
  for (int i = 0; i < 12000; ++i) csv += std::to_string(i) + ",none\n";
  for (int i = 0; i < 50; ++i) csv += std::to_string(i) + ",user" + std::to_string(i) + "@example.com\n";
  root.write("late.csv", csv);
  auto categories = [&](uint64_t sample_rows) {
    ScanOptions options;
    options.target = root.path();
    options.data_sample_rows = sample_rows;
    ScanResult result = run_scan(options);
    std::set<std::string> found;
    for (const auto& fact : result.extraction.facts)
      if (fact.type == FactType::personal_data) found.insert(fact.props.value("category", ""));
    return found;
  };
  EXPECT_FALSE(categories(10000).contains("email"));  // only in rows past the sample
  // Full scan: 50 emails among 12,050 values is not a column of emails either...
  EXPECT_FALSE(categories(0).contains("email"));
  // ...unless the column's name says so.
  root.write("late.csv", "ref,contact_email\n" + csv.substr(csv.find('\n') + 1));
  EXPECT_TRUE(categories(0).contains("email"));
}

// Bare digit runs in free text need a label or a header: printed arrays and timestamps are numbers.
TEST(PersonalData, FreeTextBareDigitsNeedALabel) {
  auto categories = [](std::string_view text) {
    TextScanner scanner;
    scanner.scan(text, 0);
    std::set<std::string> found;
    for (const auto& hit : scanner.hits()) found.insert(hit.category);
    return found;
  };
  EXPECT_FALSE(categories("array([4111111111111111, 5500005555555559])\n").contains("payment-card"));
  EXPECT_TRUE(categories("card number: 4111111111111111\n").contains("payment-card"));
  EXPECT_TRUE(categories("   name  credit_card\n0  Ann  4111111111111111\n").contains("payment-card"));
  EXPECT_TRUE(categories("paid with 4111 1111 1111 1111\n").contains("payment-card"));  // grouped: its own format
  // ... unless the groups run on: a printed array of years
  EXPECT_TRUE(categories("YearBuilt [2003 1976 2001 1915 2000 1993 2004 1973 1931 1939]\n").empty());
  EXPECT_TRUE(categories("[4111 1111 1111 1111]\n").empty());
  // ... and a decimal number is none: a model's probability
  EXPECT_TRUE(categories("{'values': [[6.386489876309697, 8.405141644610897]]}\n").empty());
  // ... nor a byte count of a download log, digits split by a slash
  std::string wget_line = "2019-10-10 14:06:42 (20.9 MB/s) - 'fairness_history.json' saved [877247/877247]\n";
  std::set<std::string> in_wget_line;
  for_each_personal_value(wget_line, 0, [&](const Category& category, std::string_view, size_t) { in_wget_line.insert(category.id); });
  ASSERT_FALSE(in_wget_line.empty());  // it passes a national-id check
  EXPECT_TRUE(categories(wget_line).empty());
  // The masker still hides the bare value wherever it stands.
  bool masked = false;
  for_each_personal_value("array([4111111111111111])", 0, [&](const Category&, std::string_view, size_t) { masked = true; });
  EXPECT_TRUE(masked);
}

// Free text (notebook outputs): strict checks only, values written in groups joined.
TEST(PersonalData, FreeTextFindsCheckedValuesOnly) {
  TextScanner scanner;
  scanner.scan("0  ana@example.org  +44 20 7946 0958\nIBAN DE89 3704 0044 0532 0130 00.\n", 10);
  scanner.scan("bad DE88 3704 0044 0532 0130 00, card 4111 1111 1111 1112, 0.9312, 1204331, 2026-11-26\n", 20);
  std::map<std::string, TextHit> hits;
  for (const auto& hit : scanner.hits()) hits[hit.category] = hit;
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits["email"].count, 1u);
  EXPECT_EQ(hits["email"].first_line, 10u);
  EXPECT_EQ(hits["phone"].count, 1u);
  EXPECT_EQ(hits["bank-account"].first_line, 11u);
  for (const auto& [category, hit] : hits) EXPECT_NE(hit.example.find('*'), std::string::npos) << category;
}

// Data model classes (pydantic, dataclasses) name personal fields.
TEST(PersonalData, SchemaClassesNamePersonalFields) {
  auto fields = testing::python_facts(
      "from pydantic import BaseModel\nfrom dataclasses import dataclass\n\n"
      "class Applicant(BaseModel):\n    full_name: str\n    email: str\n    income: float\n\n"
      "@dataclass\nclass Score:\n    value: float\n    religion: str\n\n"
      "class Helper:\n    email = 'x'\n",
      FactType::schema_class);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].props["kind"], "pydantic");
  EXPECT_EQ(fields[0].props["fields"], nlohmann::ordered_json::parse(R"(["full_name","email","income"])"));
  EXPECT_EQ(fields[1].props["kind"], "dataclass");
}

// A service's health check is no one's health; a patient's health status is.
TEST(PersonalData, HealthCheckSettingsAreNoHealthData) {
  testing::TempDir root;
  root.write("app.py",
             "from dataclasses import dataclass\n\n"
             "@dataclass\nclass ServiceConfig:\n    health_check_path: str\n    healthcheck_url: str\n    port: int\n\n"
             "@dataclass\nclass Patient:\n    health_status: str\n    diagnosis: str\n");
  ScanResult result = testing::scan(root.path(), {});
  std::set<std::string> health;
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::personal_field && fact.props["category"] == "health")
      health.insert(fact.props["name"].get<std::string>());
  EXPECT_EQ(health, (std::set<std::string>{"health_status", "diagnosis"}));
}

// A FastAPI body typed with a pydantic class brings that class's fields to the endpoint.
TEST(PersonalData, RequestBodyModelsGiveEndpointsTheirFields) {
  testing::TempDir root;
  root.write("app.py",
             "from fastapi import FastAPI\nfrom pydantic import BaseModel\n\napp = FastAPI()\n\n"
             "class Applicant(BaseModel):\n    full_name: str\n    email: str\n    tenure: int\n\n"
             "@app.post('/score')\ndef score(applicant: Applicant):\n    return {'score': 1}\n");
  ScanResult result = testing::scan(root.path());
  std::set<std::string> request;
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::personal_field && fact.props.value("context", "") == "request")
      request.insert(fact.props.value("category", ""));
  EXPECT_EQ(request, (std::set<std::string>{"email", "person-name"}));
}

// Values confirm names across the project: a feature named like a phone number is not one
// when the project's dataset shows that column holds none/yes; a name no dataset refutes, or
// one that a dataset confirms, stays personal.
TEST(PersonalData, DatasetValuesRefuteTheSameNameInCode) {
  testing::TempDir root;
  root.write("data/credit.csv",
             "CustomerID,Telephone,LoanAmount,Email\n"
             "1,none,1200,anna.berg@example.com\n2,yes,800,jonas.weber@example.org\n3,none,2300,li.wang@example.net\n"
             "4,yes,500,maria.rossi@example.com\n5,none,950,omar.haddad@example.org\n6,yes,1700,sara.lind@example.com\n");
  root.write("train.py", "FEATURES = ['Telephone', 'LoanAmount', 'Email']\nCONTACT_FEATURES = ['phone_number']\n");
  ScanResult result = testing::scan(root.path(), {"gdpr.direct-identifier-as-feature"});
  const Fact* dataset = nullptr;
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::dataset && fact.location.file == "data/credit.csv") dataset = &fact;
  ASSERT_NE(dataset, nullptr);
  ASSERT_TRUE(dataset->props.contains("look_alike_columns"));
  EXPECT_EQ(dataset->props["look_alike_columns"][0]["column"], "Telephone");
  EXPECT_EQ(dataset->props["look_alike_columns"][0]["category"], "phone");
  std::set<std::string> features;
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::personal_field && fact.props.value("context", "") == "feature-list")
      features.insert(fact.props.value("name", ""));
  EXPECT_EQ(features, (std::set<std::string>{"Email", "phone_number"}));
  auto findings = testing::findings_of(result, "gdpr.direct-identifier-as-feature");
  std::set<std::string> named;
  for (const Finding* finding : findings) named.insert(finding->message.substr(0, finding->message.find(' ')));
  EXPECT_EQ(named, (std::set<std::string>{"`Email`", "`phone_number`"}));

  // Real numbers in a second dataset keep the name personal everywhere.
  root.write("data/contacts.csv", "Telephone,City\n+44 20 7946 0958,London\n+44 20 7946 0959,London\n+44 20 7946 0960,Leeds\n"
                                  "+44 20 7946 0961,York\n+44 20 7946 0962,Bath\n");
  ScanResult both = testing::scan(root.path(), {"gdpr.direct-identifier-as-feature"});
  bool telephone = false;
  for (const auto& fact : both.extraction.facts)
    telephone = telephone || (fact.type == FactType::personal_field && fact.props.value("name", "") == "Telephone");
  EXPECT_TRUE(telephone);
}

// Fairness and monitoring metrics name groups, not people: counts and distributions per sex
// are no personal data; the same values in records with a direct identifier are.
TEST(PersonalData, AggregatesPerGroupDescribeNobody) {
  testing::TempDir root;
  std::string record = R"({"feature": "Sex", "majority": {"values": [{"value": "male", "distribution": {"count": 84, "rate": 0.61}}]},
 "minority": {"values": [{"value": "female", "distribution": {"count": 51, "rate": 0.48}}]}, "fairness_value": 0.79})";
  std::string metrics = "[";
  for (int i = 0; i < 6; ++i) metrics += (i ? ",\n" : "") + record;
  root.write("data/fairness_history.json", metrics + "]\n");
  root.write("data/applicants.json", R"([{"name": "Anna Berg", "email": "anna.berg@example.com", "sex": "female", "count": 1},
{"name": "Jonas Weber", "email": "jonas.weber@example.org", "sex": "male", "count": 2},
{"name": "Li Wang", "email": "li.wang@example.net", "sex": "female", "count": 1},
{"name": "Omar Haddad", "email": "omar.haddad@example.org", "sex": "male", "count": 3}]
)");
  auto extraction = testing::extract(root.path());
  std::set<std::string> personal;
  for (const auto& fact : testing::facts_of(extraction, FactType::personal_data)) personal.insert(fact.props.value("dataset", ""));
  EXPECT_EQ(personal, std::set<std::string>{"data/applicants.json"});
  for (const auto& fact : testing::facts_of(extraction, FactType::dataset))
    if (fact.location.file == "data/fairness_history.json")
      EXPECT_NE(fact.props.value("not_personal_reason", "").find("aggregate statistics"), std::string::npos) << fact.props.dump();
}

// Nearly every JSON object has a `name`: a configuration export whose only sign of a person is
// that key, with values that do not confirm it, names things; records that also hold an email
// (or whose names two-word values confirm) describe people.
TEST(PersonalData, JsonNamesOfThingsDescribeNobody) {
  testing::TempDir root;
  root.write("grafana/alerts.json", R"([{"name": "Feature A Monitoring alert", "for": "5m", "frequency": "1m"},
{"name": "Model Error Monitoring alert", "for": "5m", "frequency": "1m"},
{"name": "latency_p99", "for": "1m", "frequency": "30s"}]
)");
  root.write("grafana/datasources.json", R"([{"name": "InfluxDB", "type": "influxdb", "url": "http://influxdb:8086"},
{"name": "Prometheus", "type": "prometheus", "url": "http://prometheus:9090"}]
)");
  root.write("data/contacts.json", R"([{"name": "Anna Berg", "email": "anna.berg@example.com"},
{"name": "Jonas Weber", "email": "jonas.weber@example.org"}]
)");
  auto extraction = testing::extract(root.path());
  std::set<std::string> personal;
  for (const auto& fact : testing::facts_of(extraction, FactType::personal_data)) personal.insert(fact.props.value("dataset", ""));
  EXPECT_EQ(personal, std::set<std::string>{"data/contacts.json"});
  for (const auto& fact : testing::facts_of(extraction, FactType::dataset))
    if (fact.location.file.starts_with("grafana/"))
      EXPECT_NE(fact.props.value("not_personal_reason", "").find("name things, not people"), std::string::npos)
          << fact.location.file << ": " << fact.props.dump();
}

// Well-known public tables whose rows describe no living person (abalone: sea snails with a
// sex column; the Titanic list: people who died in 1912; California housing: census-block
// aggregates) are recognised by their columns, in a dataset file and in the code that names
// them; a table that shares a few of those names but not the distinctive ones stays personal.
TEST(PersonalData, WellKnownTablesWithoutDataSubjects) {
  testing::TempDir root;
  root.write("data/abalone.csv",
             "Sex,Length,Diameter,Height,Whole weight,Shucked weight,Viscera weight,Shell weight,Rings\n"
             "M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,15\nF,0.53,0.42,0.135,0.677,0.2565,0.1415,0.21,9\n"
             "I,0.33,0.255,0.08,0.205,0.0895,0.0395,0.055,7\n");
  root.write("data/passengers.csv",
             "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked\n"
             "1,0,3,\"Ollis, Mr. Henrik\",male,22,1,0,A/5 2117,7.25,,S\n"
             "2,1,1,\"Verne, Mrs. Agnes\",female,38,1,0,PC 17599,71.28,C85,C\n");
  root.write("data/bookings.csv",
             "name,email,sex,age,ticket,fare,cabin\n"
             "Anna Berg,anna.berg@example.com,female,34,T-100,120.5,B12\nJonas Weber,jonas.weber@example.org,male,41,T-101,88.0,C3\n");
  root.write("pipelines/preprocess.py",
             "import pandas as pd\n"
             "feature_columns_names = ['sex', 'length', 'diameter', 'height', 'whole_weight', 'shucked_weight',\n"
             "                         'viscera_weight', 'shell_weight']\n"
             "categorical_features = ['sex']\n"
             "df = pd.read_csv('/opt/ml/processing/data/abalone.csv', header=None, names=feature_columns_names + ['rings'])\n");
  root.write("service/payload.py",
             "from pydantic import BaseModel\n\n"
             "class BlockPayload(BaseModel):\n    median_income_in_block: float\n    median_house_age_in_block: float\n"
             "    average_rooms: float\n    population_per_block: float\n    block_latitude: float\n    block_longitude: float\n");
  root.write("service/app.py",
             "from fastapi import FastAPI\nfrom payload import BlockPayload\n\napp = FastAPI()\n\n"
             "@app.post('/predict')\ndef predict(block: BlockPayload):\n    return {'value': 1}\n");
  root.write("train.py", "FEATURES = ['sex', 'age', 'income', 'shell_weight']\n");
  ScanResult result = testing::scan(root.path());

  std::set<std::string> personal_datasets;
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::personal_data) personal_datasets.insert(fact.props.value("dataset", ""));
  EXPECT_EQ(personal_datasets, std::set<std::string>{"data/bookings.csv"});
  std::map<std::string, std::string> reasons;
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::dataset) reasons[fact.location.file] = fact.props.value("not_personal_reason", "");
  EXPECT_NE(reasons["data/abalone.csv"].find("UCI abalone"), std::string::npos) << reasons["data/abalone.csv"];
  EXPECT_NE(reasons["data/passengers.csv"].find("Titanic"), std::string::npos) << reasons["data/passengers.csv"];
  EXPECT_EQ(reasons["data/bookings.csv"], "");

  std::map<std::string, std::set<std::string>> fields;  // file -> personal field names
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::personal_field) fields[fact.location.file].insert(fact.props.value("name", ""));
  EXPECT_FALSE(fields.contains("pipelines/preprocess.py"));
  EXPECT_FALSE(fields.contains("service/app.py"));   // the body's fields, judged where the class declares them
  EXPECT_FALSE(fields.contains("service/payload.py"));
  auto kept = fields["train.py"];
  EXPECT_EQ(kept, (std::set<std::string>{"sex", "age", "income"}));
  std::set<std::string> noted;
  for (const auto& diagnostic : result.diagnostics)
    if (diagnostic.code == "no-data-subjects") noted.insert(diagnostic.location.file);
  EXPECT_TRUE(noted.contains("pipelines/preprocess.py"));
  EXPECT_TRUE(noted.contains("service/payload.py"));
  EXPECT_FALSE(noted.contains("train.py"));
}

// Column-level precision and recall per category against the labelled set.
TEST(PersonalData, LabelledSetPrecisionAndRecall) {
  fs::path folder = testing::fixture("personal-data");
  auto labels = nlohmann::json::parse(testing::read_text(folder / "labels.json"));
  ScanOptions options;
  options.target = folder;
  ScanResult result = run_scan(options);
  std::map<std::pair<std::string, std::string>, std::set<std::string>> predicted;
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::personal_data)
      predicted[{fact.props.value("dataset", ""), fact.props.value("column", "")}].insert(fact.props.value("category", ""));

  std::map<std::string, std::array<int, 3>> counts;  // category -> tp, fp, fn
  size_t datasets = 0, columns = 0;
  std::ostringstream errors;
  for (const auto& [dataset, dataset_columns] : labels.items()) {
    ++datasets;
    for (const auto& [column, expected_list] : dataset_columns.items()) {
      ++columns;
      std::set<std::string> expected(expected_list.begin(), expected_list.end());
      const auto& got = predicted[std::make_pair(dataset, column)];
      for (const auto& category : got) {
        bool hit = expected.contains(category);
        ++counts[category][hit ? 0 : 1];
        if (!hit) errors << "  false positive: " << dataset << " / " << column << " -> " << category << "\n";
      }
      for (const auto& category : expected)
        if (!got.contains(category)) {
          ++counts[category][2];
          errors << "  missed: " << dataset << " / " << column << " (" << category << ")\n";
        }
    }
  }
  ASSERT_GE(datasets, 20u);
  ASSERT_GE(columns, 200u);
  int tp = 0, fp = 0, fn = 0;
  std::ostringstream table;
  table << std::fixed << std::setprecision(2);
  for (const auto& [category, c] : counts) {
    tp += c[0], fp += c[1], fn += c[2];
    double precision = c[0] + c[1] ? double(c[0]) / (c[0] + c[1]) : 1.0;
    double recall = c[0] + c[2] ? double(c[0]) / (c[0] + c[2]) : 1.0;
    table << "  " << std::left << std::setw(18) << category << " columns " << std::setw(3) << c[0] + c[2]
          << " precision " << precision << " recall " << recall << "\n";
    if (c[0] + c[2] >= 3) EXPECT_GE(recall, 0.9) << category;
  }
  double precision = double(tp) / (tp + fp), recall = double(tp) / (tp + fn);
  std::cout << datasets << " datasets, " << columns << " columns; overall precision " << precision << ", recall "
            << recall << "\n" << table.str() << errors.str();
  EXPECT_GE(precision, 0.95);
  EXPECT_GE(recall, 0.95);
}

}  // namespace
}  // namespace mlaudit
