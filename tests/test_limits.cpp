// Hostile input, piece by piece: the bounded YAML reader, linear globs, UTF-8 in reports,
// links and special files, the limits of every text parser, and NUL bytes in text files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "pipeline/project_config.h"
#include "extract/data/table_reader.h"
#include "extract/python/large_literals.h"
#include "sniff/sniffer.h"
#include "test_support.h"
#include "util/file_io.h"
#include "util/glob.h"
#include "util/utf8.h"
#include "util/yaml_reader.h"
#include "walk/ignore_rules.h"
#include "walk/walker.h"

namespace mlaudit {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::string repeat(const std::string& text, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += text;
  return out;
}

bool has_diagnostic(const std::vector<Diagnostic>& diagnostics, const std::string& file, const std::string& text) {
  for (const auto& diagnostic : diagnostics)
    if (diagnostic.location.file == file && diagnostic.message.find(text) != std::string::npos) return true;
  return false;
}

// ---------------------------------------------------------------- YAML

// The tree libyaml's events build must read as yaml-cpp's own would: same kinds, scalars,
// tags (plain "?", quoted "!"), nulls and marks, for every YAML file the fixtures hold.
void expect_same_tree(const YAML::Node& ours, const YAML::Node& theirs, const std::string& where) {
  ASSERT_EQ(ours.Type(), theirs.Type()) << where;
  EXPECT_EQ(ours.Tag(), theirs.Tag()) << where;
  // An empty value has no text of its own: yaml-cpp marks it at the next token, libyaml
  // after its key. Every other node is marked where it starts, by both.
  if (!ours.IsNull()) EXPECT_EQ(ours.Mark().line, theirs.Mark().line) << where;
  if (ours.IsScalar()) {
    EXPECT_EQ(ours.Scalar(), theirs.Scalar()) << where;
    EXPECT_EQ(ours.Mark().column, theirs.Mark().column) << where;
  }
  if (ours.IsSequence()) {
    ASSERT_EQ(ours.size(), theirs.size()) << where;
    for (size_t i = 0; i < ours.size(); ++i) expect_same_tree(ours[i], theirs[i], where + "[" + std::to_string(i) + "]");
  }
  if (ours.IsMap()) {
    ASSERT_EQ(ours.size(), theirs.size()) << where;
    auto a = ours.begin();
    auto b = theirs.begin();
    for (; a != ours.end(); ++a, ++b) {
      expect_same_tree(a->first, b->first, where + ".key");
      expect_same_tree(a->second, b->second, where + "." + (a->first.IsScalar() ? a->first.Scalar() : "?"));
    }
  }
}

TEST(YamlReader, BuildsTheTreeYamlCppWouldForEveryFixture) {
  size_t compared = 0;
  for (const auto& entry : fs::recursive_directory_iterator(testing::fixture(""))) {
    auto extension = entry.path().extension();
    if (!entry.is_regular_file() || (extension != ".yml" && extension != ".yaml")) continue;
    std::string text = testing::read_text(entry.path());
    std::vector<YAML::Node> theirs;
    try {
      theirs = YAML::LoadAll(text);
    } catch (const YAML::Exception&) {
      continue;  // broken on purpose
    }
    YamlDocuments ours = read_yaml(text, {});
    ASSERT_FALSE(ours.stop) << entry.path() << ": yaml-cpp reads it, the bounded reader stops at line " << ours.stop->line
                            << ": " << ours.stop->message;
    ASSERT_EQ(ours.documents.size(), theirs.size()) << entry.path();
    for (size_t i = 0; i < theirs.size(); ++i) expect_same_tree(ours.documents[i], theirs[i], entry.path().string());
    ++compared;
  }
  EXPECT_GT(compared, 30u);  // the fixtures' YAML files that yaml-cpp reads
}

TEST(YamlReader, FlowCollectionsFollowedByACommaAreSyntaxErrors) {
  for (const char* text : {"{},", "[],\n", "{a: 1},\nkind: Pod\n"}) {
    YamlDocuments parsed = read_yaml(text, {});
    ASSERT_TRUE(parsed.stop) << text;
    EXPECT_EQ(parsed.stop->kind, YamlStop::Kind::syntax) << text;
    EXPECT_EQ(parsed.stop->line, 1u) << text;
  }
}

TEST(YamlReader, NestingNodesAndAliasesHaveBudgets) {
  YamlDocuments deep = read_yaml(std::string(100000, '[') + std::string(100000, ']'), {64, 1000, {}});
  ASSERT_TRUE(deep.stop);
  EXPECT_EQ(deep.stop->limit, "nesting_depth");

  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 8; ++level)
    laughs += "b" + std::to_string(level) + ": &b" + std::to_string(level) + " [" +
              repeat(std::string(level == 1 ? "*a" : "*b" + std::to_string(level - 1)) + ", ", 9) +
              (level == 1 ? "*a" : "*b" + std::to_string(level - 1)) + "]\n";
  YamlDocuments lol = read_yaml(laughs, {256, 100'000, {}});
  ASSERT_TRUE(lol.stop);
  EXPECT_EQ(lol.stop->limit, "yaml_nodes");

  // An alias may still be used where it costs little; sharing is kept.
  YamlDocuments shared = read_yaml("base: &base {image: app}\nfirst: *base\nsecond: *base\n", {});
  ASSERT_FALSE(shared.stop);
  EXPECT_EQ(shared.documents.at(0)["second"]["image"].Scalar(), "app");

  YamlDocuments cycle = read_yaml("a: &a [1, *a]\n", {});
  ASSERT_TRUE(cycle.stop);  // a cyclic document would send yaml-cpp's readers round forever
  EXPECT_NE(cycle.stop->message.find("alias"), std::string::npos);
}

TEST(YamlReader, DocumentsBeforeAnErrorAreKept) {
  YamlDocuments parsed = read_yaml("kind: Pod\n---\nkind: Service\n---\n{}, x\n", {});
  ASSERT_TRUE(parsed.stop);
  ASSERT_EQ(parsed.documents.size(), 3u);  // `{}` is a complete document before the comma
  EXPECT_EQ(parsed.documents[1]["kind"].Scalar(), "Service");
  EXPECT_EQ(parsed.stop->line, 5u);
  EXPECT_TRUE(read_yaml("a:\nb: ~\nc: null\nd: 'null'\n", {}).documents.at(0)["a"].IsNull());
  EXPECT_FALSE(read_yaml("d: 'null'\n", {}).documents.at(0)["d"].IsNull());
}

// ---------------------------------------------------------------- globs

TEST(Glob, MatchesAsGitDoesWithoutBacktracking) {
  EXPECT_TRUE(glob_match("**/foo", "foo"));
  EXPECT_TRUE(glob_match("**/foo", "a/b/foo"));
  EXPECT_FALSE(glob_match("**/foo", "afoo"));     // `**/` is whole folders or none
  EXPECT_TRUE(glob_match("a/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/x/y/b"));
  EXPECT_TRUE(glob_match("a**b", "a/x/b"));
  EXPECT_FALSE(glob_match("a*b", "a/b"));
  EXPECT_TRUE(glob_match("\\*.txt", "*.txt"));
  EXPECT_FALSE(glob_match("\\*.txt", "a.txt"));
  EXPECT_TRUE(glob_match("[abc", "[abc"));       // an unterminated class is literal
  EXPECT_TRUE(glob_match("stride.*", "stride.exposed-endpoint-no-auth"));
  EXPECT_TRUE(glob_match("*.execute", "sqlite3.connect().cursor().execute"));
  // Exponential for a backtracking matcher (41 stars against 60 letters): answered at once.
  std::string pattern = repeat("*a", 40) + "*b";
  EXPECT_FALSE(glob_match(pattern, std::string(60, 'a')));
  EXPECT_TRUE(glob_match(pattern, std::string(60, 'a') + "b"));
  EXPECT_FALSE(glob_match(repeat("*?", 200) + "z", std::string(300, 'y')));
}

TEST(IgnoreRules, PatternCountAndLengthAreCapped) {
  IgnoreRules rules(3, 16);
  auto dropped = rules.add_file("a\nb\nc\nd\n" + std::string(17, 'x') + "\n", "", ".gitignore");
  EXPECT_EQ(dropped.over_count, 1u);
  EXPECT_EQ(dropped.too_long, 1u);
  EXPECT_TRUE(rules.ignored_by("c", false));
  EXPECT_FALSE(rules.ignored_by("d", false));

  TempDir root;
  root.write(".gitignore", repeat("**/a*b*c*d*e*f*\n", 30));
  root.write("keep.py", "x = 1\n");
  WalkOptions options;
  options.max_ignore_patterns = 20;
  WalkResult result = walk_tree(root.path(), options);
  EXPECT_EQ(result.files.size(), 2u);
  EXPECT_TRUE(has_diagnostic(result.errors, ".gitignore", "ignore_patterns = 20"));
}

// ---------------------------------------------------------------- UTF-8

TEST(Utf8, InvalidBytesAreEscapedSoJsonAlwaysDumps) {
  EXPECT_TRUE(is_valid_utf8("plain ascii, ümlaut, 日本, 😀"));
  for (const char* bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "a\x80"})
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
  EXPECT_EQ(escape_invalid_utf8("bad\xff\xfename.py"), "bad\\xff\\xfename.py");
  EXPECT_EQ(escape_invalid_utf8("ok ü"), "ok ü");
  EXPECT_EQ(percent_encode_path("data/\xff x.csv"), "data/%FF%20x.csv");

  nlohmann::ordered_json report = {{"file", "a\xff.py"}, {"list", {"\xed\xa0\x80", 1}}, {"k\xfe", {{"deep", "\xc3"}}}};
  EXPECT_THROW(report.dump(), nlohmann::json::type_error);
  escape_invalid_utf8_in(report);
  std::string text = report.dump();
  EXPECT_NO_THROW(nlohmann::json::parse(text));
  EXPECT_EQ(report["file"], "a\\xff.py");
  EXPECT_TRUE(report.contains("k\\xfe"));
}

TEST(Walker, NamesThatAreNotUtf8AreShownEscapedAndKeptRaw) {
  TempDir root;
  root.write("bad\xff.py", "import sys\neval(sys.argv[1])\n");
  WalkResult result = walk_tree(root.path(), {});
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(result.files[0].relative, "bad\\xff.py");
  EXPECT_EQ(result.files[0].raw_relative, "bad\xff.py");
  EXPECT_TRUE(fs::exists(result.files[0].absolute));
  EXPECT_TRUE(has_diagnostic(result.errors, "bad\\xff.py", "bad%FF.py"));

  ScanResult scan = testing::scan(root.path(), {"code.eval-exec"});
  ASSERT_EQ(scan.findings.size(), 1u);  // the file is still analysed
  EXPECT_EQ(scan.findings[0].location.file, "bad\\xff.py");
}

// ---------------------------------------------------------------- the tree

TEST(Walker, LinkReasonsSayWhereTheLinkLeads) {
  TempDir root, outside;
  outside.write("secret.txt", "x");
  root.write("inside.py", "x = 1\n");
  fs::create_symlink("loop-b", root.path() / "loop-a");
  fs::create_symlink("loop-a", root.path() / "loop-b");
  fs::create_symlink("/nonexistent/target", root.path() / "dangling");
  fs::create_symlink(outside.path() / "secret.txt", root.path() / "escape");
  fs::create_symlink("inside.py", root.path() / "alias.py");
  WalkResult result = walk_tree(root.path(), {});
  auto reason = [&](const std::string& path) {
    for (const auto& entry : result.skipped)
      if (entry.relative == path) return entry.reason;
    return std::string("(not skipped)");
  };
  EXPECT_NE(reason("loop-a").find("loop"), std::string::npos) << reason("loop-a");
  EXPECT_NE(reason("dangling").find("dangling"), std::string::npos) << reason("dangling");
  EXPECT_NE(reason("dangling").find("/nonexistent/target"), std::string::npos);
  EXPECT_NE(reason("escape").find("outside the scanned root"), std::string::npos) << reason("escape");
  EXPECT_NE(reason("alias.py").find("inside the root"), std::string::npos) << reason("alias.py");
}

TEST(ProjectConfig, OnlyRegularFilesInsideTheTreeAreRead) {
  TempDir root, outside;
  root.write("app.py", "import sys\neval(sys.argv[1])\n");
  outside.write("evil.yml", "rules:\n  disable: [\"*\"]\n");

  fs::create_symlink(outside.path() / "evil.yml", root.path() / ".mlaudit.yml");
  ScanResult linked = testing::scan(root.path(), {"code.eval-exec"});
  EXPECT_EQ(linked.findings.size(), 1u);  // the outside file disabled nothing
  EXPECT_TRUE(has_diagnostic(linked.diagnostics, ".mlaudit.yml", "outside the scanned tree"));

  fs::remove(root.path() / ".mlaudit.yml");
  ASSERT_EQ(::mkfifo((root.path() / ".mlaudit.yml").c_str(), 0600), 0);
  ScanResult piped = testing::scan(root.path(), {"code.eval-exec"});  // must not block
  EXPECT_EQ(piped.findings.size(), 1u);
  EXPECT_TRUE(has_diagnostic(piped.diagnostics, ".mlaudit.yml", "named pipe"));

  fs::remove(root.path() / ".mlaudit.yml");
  root.write("config/mlaudit.yml", "rules:\n  disable: [code.eval-exec]\n");
  fs::create_symlink("config/mlaudit.yml", root.path() / ".mlaudit.yml");
  EXPECT_TRUE(testing::scan(root.path(), {"code.eval-exec"}).findings.empty());  // a link inside the tree is fine

  fs::remove(root.path() / ".mlaudit.yml");
  outside.write("rules/team.x.yml", "id: team.x\n");
  root.write(".mlaudit.yml", "rules:\n  folders: [/proc/self, " + (outside.path() / "rules").string() + ", ../" +
                                 outside.path().filename().string() + "/rules]\n");
  ScanResult folders = testing::scan(root.path(), {"code.eval-exec"});
  EXPECT_EQ(folders.findings.size(), 1u);
  size_t refused = 0;
  for (const auto& diagnostic : folders.diagnostics) refused += diagnostic.message.find("leads outside the scanned tree") != std::string::npos;
  EXPECT_EQ(refused, 3u);

  EXPECT_THROW(load_project_config(root.path() / "missing.yml"), ConfigError);
}

TEST(ProjectConfig, LimitsAreReadAndValidated) {
  ProjectConfig config = parse_project_config("limits:\n  file_seconds: 5\n  dataset_columns: 100\n", "/x/.mlaudit.yml");
  EXPECT_EQ(config.limits.at("file_seconds"), 5u);
  EXPECT_EQ(config.limits.at("dataset_columns"), 100u);
  EXPECT_THROW(parse_project_config("limits:\n  no_such_limit: 5\n", "/x/.mlaudit.yml"), ConfigError);
  EXPECT_THROW(parse_project_config("{},", "/x/.mlaudit.yml"), ConfigError);
}

// Found by fuzz_project_config: a value the schema lets through with the wrong type (a
// mapping among a probe's attack names, a clip of one number) is a ConfigError naming the
// file and line, not an exception that ends the process.
TEST(ProjectConfig, ValuesOfTheWrongTypeAreConfigErrors) {
  for (const char* text : {"probes:\n  - {model: m.pt, data: x.npy, attacks: [evasion, {data: y}]}\n",
                           "probes:\n  - {model: m.pt, data: x.npy, clip: [0]}\n"}) {
    try {
      parse_project_config(text, "/x/.mlaudit.yml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ConfigError& error) {
      EXPECT_TRUE(std::string(error.what()).starts_with("/x/.mlaudit.yml:2")) << error.what();
    }
  }
}

// ---------------------------------------------------------------- text parsers

TEST(Limits, EachParserStopsAtItsLimitAndSaysSo) {
  TempDir root;
  root.write("pyproject.toml", "[" + repeat("a.", 5000) + "a]\nx = 1\n");
  root.write("Dockerfile", "FROM python:3.11\nRUN echo \\\n" + repeat("  aaaaaaaaaaaaaaaaaaaa \\\n", 70000) + "  end\nUSER app\n");
  root.write("wide.csv", repeat("c,", 20000) + "c\n" + repeat("1,", 20000) + "1\n");
  root.write("long.csv", "a,b\n1,\"" + std::string(2 << 20, 'x') + "\n");
  root.write("big.py", "DATA = [" + repeat("1, ", 500000) + "]\nimport sys\neval(sys.argv[1])\n");
  Extraction extraction = testing::extract(root.path());
  EXPECT_TRUE(has_diagnostic(extraction.diagnostics, "pyproject.toml", "limit nesting_depth = 256"));
  EXPECT_TRUE(has_diagnostic(extraction.diagnostics, "Dockerfile", "limit line_bytes"));
  EXPECT_TRUE(has_diagnostic(extraction.diagnostics, "wide.csv", "limit dataset_columns = 10000"));
  EXPECT_TRUE(has_diagnostic(extraction.diagnostics, "long.csv", "limit field_bytes"));
  EXPECT_TRUE(has_diagnostic(extraction.diagnostics, "big.py", "limit literal_bytes"));
  // What comes after a limit is still read: the Dockerfile's USER, the call after the list.
  bool user = false, eval = false;
  for (const auto& fact : extraction.facts) {
    user = user || (fact.location.file == "Dockerfile" && fact.props.value("instruction", "") == "USER");
    eval = eval || (fact.location.file == "big.py" && fact.type == FactType::call && fact.props.value("callee", "") == "builtins.eval");
  }
  EXPECT_TRUE(user);
  EXPECT_TRUE(eval);
}

TEST(Limits, IniEntriesKnowTheirLines) {
  TempDir root;
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "[s" + std::to_string(i) + "]\nkey = value\n";
  text += "[mlflow]\n; comment\ntracking_uri = http://mlflow.example.com\n";
  root.write("setup.cfg", text);
  auto facts = testing::facts_of(testing::extract(root.path()), FactType::tracking_uri);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].location.line, 6003u);
}

TEST(Limits, CsvHeaderLocationsComeFromOnePass) {
  TempDir root;
  root.write("people.csv", "id,\"full name\",email\n1,Anna Berg,anna@example.com\n2,Jonas Weber,jonas@example.org\n");
  auto facts = testing::facts_of(testing::extract(root.path()), FactType::personal_data);
  bool email = false;
  for (const auto& fact : facts)
    if (fact.props.value("column", "") == "email") {
      email = true;
      EXPECT_EQ(fact.location.line, 1u);
      EXPECT_EQ(fact.location.column, 16u);  // `id,"full name",` is 15 bytes
    }
  EXPECT_TRUE(email);
}

TEST(Limits, LargeLiteralsAreBlankedWithEveryOtherByteInPlace) {
  std::vector<python::BlankedRegion> regions;
  std::string source = "x = [1, 2, 3]\ns = ')]}' # [[[\nBIG = {\n" + repeat("'k': 1,\n", 100) + "}\ncall(1)\n";
  std::string thinned = python::blank_large_literals(source, 100, 256, regions);
  ASSERT_EQ(thinned.size(), source.size());
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].line, 3u);
  EXPECT_EQ(std::count(thinned.begin(), thinned.end(), '\n'), std::count(source.begin(), source.end(), '\n'));
  EXPECT_NE(thinned.find("x = [1, 2, 3]"), std::string::npos);  // small literals stay
  EXPECT_EQ(thinned.find("'k'"), std::string::npos);
  EXPECT_EQ(thinned.substr(thinned.size() - 8), "call(1)\n");
  regions.clear();
  std::string deep = "y = " + std::string(300, '(') + "1" + std::string(300, ')') + "\n";
  python::blank_large_literals(deep, 1 << 20, 256, regions);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_TRUE(regions[0].too_deep);
}

TEST(Limits, TheScanDeadlineSkipsFilesNotStarted) {
  TempDir root;
  root.write("a.py", "x = 1\n");
  root.write("b.py", "y = 2\n");
  ExtractionOptions options;
  options.scan_deadline = Deadline::at(std::chrono::steady_clock::now() - std::chrono::seconds(1));
  options.settings.limits.scan_seconds = 7;
  Extraction extraction = extract_files(walk_tree(root.path(), {}), options);
  ASSERT_EQ(extraction.files.size(), 2u);
  for (const auto& file : extraction.files)
    EXPECT_NE(file.skip_reason.find("limit scan_seconds = 7"), std::string::npos) << file.skip_reason;
}

// ---------------------------------------------------------------- sniffing

TEST(Sniff, OneNulByteDoesNotMakeATextFileBinary) {
  TempDir root;
  auto sniff_file = [&](const std::string& name, const std::string& content) {
    auto path = root.write(name, content);
    return sniff(path, name, std::get<std::string>(read_file_prefix(path, kSniffHeadBytes)), content.size());
  };
  EXPECT_EQ(sniff_file("app.py", std::string("import os\0\nos.system('x')\n", 26)).kind, FileKind::python);
  EXPECT_EQ(sniff_file("people.csv", std::string("name,email\nAnna,a@example.com\0\n", 31)).kind, FileKind::csv);
  EXPECT_EQ(sniff_file("pod.yml", std::string("kind: Pod\0\n", 11)).kind, FileKind::yaml);
  // Mostly control bytes under a text name: still binary. No telling name: binary.
  EXPECT_EQ(sniff_file("noise.py", std::string(200, '\x01') + std::string(100, '\0')).kind, FileKind::binary);
  EXPECT_EQ(sniff_file("blob", std::string("abc\0def", 7)).kind, FileKind::binary);

  // The literal's own length (a counted length read past its end).
  static constexpr char kCustomers[] = "name,email\nAnna Berg,anna.berg@example.com\0\nJonas Weber,jonas@example.org\n";
  root.write("customers.csv", std::string(kCustomers, sizeof kCustomers - 1));
  auto facts = testing::facts_of(testing::extract(root.path()), FactType::personal_data);
  bool email = false;
  for (const auto& fact : facts) email = email || (fact.location.file == "customers.csv" && fact.props.value("column", "") == "email");
  EXPECT_TRUE(email);
}

}  // namespace
}  // namespace mlaudit
