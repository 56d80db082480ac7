// walk/: ignore files, default skips, symlinks, special files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "test_support.h"
#include "util/glob.h"
#include "walk/ignore_rules.h"
#include "walk/walker.h"

namespace mlaudit {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::vector<std::string> walked(const WalkResult& result) {
  std::vector<std::string> paths;
  for (const auto& file : result.files) paths.push_back(file.relative);
  return paths;
}

const SkippedEntry* skipped(const WalkResult& result, const std::string& path) {
  for (const auto& entry : result.skipped)
    if (entry.relative == path) return &entry;
  return nullptr;
}

TEST(Glob, SegmentsAndDoubleStar) {
  EXPECT_TRUE(glob_match("*.csv", "data.csv"));
  EXPECT_FALSE(glob_match("*.csv", "raw/data.csv"));
  EXPECT_TRUE(glob_match("**/*.csv", "raw/2024/data.csv"));
  EXPECT_TRUE(glob_match("**/*.csv", "data.csv"));
  EXPECT_TRUE(glob_match("data/**", "data/a/b"));
  EXPECT_TRUE(glob_match("model-[0-9].pkl", "model-7.pkl"));
  EXPECT_FALSE(glob_match("model-[!0-9].pkl", "model-7.pkl"));
  EXPECT_FALSE(glob_match("a?c", "a/c"));
}

TEST(IgnoreRules, GitSemantics) {
  IgnoreRules rules;
  rules.add_file("# comment\n*.log\n!keep.log\nbuild/\n/top.txt\ndocs/*.md\n", "", ".gitignore");
  EXPECT_TRUE(rules.ignored_by("app.log", false));
  EXPECT_TRUE(rules.ignored_by("deep/dir/app.log", false));
  EXPECT_FALSE(rules.ignored_by("keep.log", false));          // negation re-includes
  EXPECT_TRUE(rules.ignored_by("build", true));
  EXPECT_FALSE(rules.ignored_by("build", false));             // trailing '/' matches folders only
  EXPECT_TRUE(rules.ignored_by("top.txt", false));
  EXPECT_FALSE(rules.ignored_by("sub/top.txt", false));       // leading '/' anchors
  EXPECT_TRUE(rules.ignored_by("docs/a.md", false));
  EXPECT_FALSE(rules.ignored_by("other/docs/a.md", false));   // inner '/' anchors too
  auto decided = rules.ignored_by("x.log", false);
  ASSERT_TRUE(decided);
  EXPECT_EQ((*decided)->origin, ".gitignore:2");
}

TEST(IgnoreRules, NestedFileAppliesBelowItsFolder) {
  IgnoreRules rules;
  rules.add_file("*.csv\n", "data", "data/.gitignore");
  EXPECT_TRUE(rules.ignored_by("data/raw.csv", false));
  EXPECT_TRUE(rules.ignored_by("data/sub/raw.csv", false));
  EXPECT_FALSE(rules.ignored_by("raw.csv", false));
}

TEST(Walker, HonoursIgnoreFilesAndReportsWhy) {
  TempDir root;
  root.write("app.py", "x = 1\n");
  root.write(".gitignore", "secrets/\n*.tmp\n");
  root.write("secrets/key.pem", "k");
  root.write("scratch.tmp", "t");
  root.write(".mlauditignore", "notebooks/old/\n");
  root.write("notebooks/old/a.ipynb", "{}");
  root.write("notebooks/new.ipynb", "{}");
  WalkResult result = walk_tree(root.path(), {});
  auto paths = walked(result);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "app.py"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "notebooks/new.ipynb"), paths.end());
  EXPECT_EQ(std::find(paths.begin(), paths.end(), "scratch.tmp"), paths.end());
  const SkippedEntry* folder = skipped(result, "secrets");
  ASSERT_NE(folder, nullptr);
  EXPECT_TRUE(folder->is_directory);
  EXPECT_NE(folder->reason.find(".gitignore:1"), std::string::npos) << folder->reason;
  ASSERT_NE(skipped(result, "notebooks/old"), nullptr);
  EXPECT_NE(skipped(result, "notebooks/old")->reason.find(".mlauditignore"), std::string::npos);
}

TEST(Walker, MlauditignoreCanReincludeWhatGitIgnores) {
  TempDir root;
  root.write(".gitignore", "data/\n");
  root.write(".mlauditignore", "!data/\n");
  root.write("data/customers.csv", "a,b\n1,2\n");
  auto paths = walked(walk_tree(root.path(), {}));
  EXPECT_NE(std::find(paths.begin(), paths.end(), "data/customers.csv"), paths.end());
}

TEST(Walker, DefaultSkipsHiddenAndVendoredFoldersButKeepsCiAndDvc) {
  TempDir root;
  root.write(".git/config", "[core]\n");
  root.write(".venv/lib/x.py", "x = 1\n");
  root.write("env/pyvenv.cfg", "home = /usr\n");
  root.write("env/lib/y.py", "y = 1\n");
  root.write("node_modules/pkg/index.js", "");
  root.write(".github/workflows/ci.yml", "on: push\n");
  root.write(".dvc/config", "[core]\n");
  root.write(".env", "A=1\n");
  WalkResult result = walk_tree(root.path(), {});
  auto paths = walked(result);
  EXPECT_NE(std::find(paths.begin(), paths.end(), ".github/workflows/ci.yml"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), ".dvc/config"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), ".env"), paths.end());  // hidden files are scanned
  for (const char* folder : {".git", ".venv", "env", "node_modules"}) {
    ASSERT_NE(skipped(result, folder), nullptr) << folder;
    EXPECT_TRUE(skipped(result, folder)->is_directory);
  }
}

TEST(Walker, DefaultSkipsBuildOutputAndMinifiedBundles) {
  TempDir root;
  root.write("src/app.py", "x = 1\n");
  root.write("web/app.js", "fetch('/api')\n");
  root.write("web/vendor.min.js", "var a=1;\n");
  for (const char* folder : {"dist", "web/out", "site/_next"}) root.write(std::string(folder) + "/bundle.js", "");
  root.write("build/lib.linux-x86_64-3.11/pkg/mod.py", "y = 2\n");  // setup.py build tree
  root.write("native/build/CMakeCache.txt", "");
  root.write("native/build/gen.py", "z = 3\n");
  root.write("ext/build/module.so", "");
  WalkResult result = walk_tree(root.path(), {});
  auto paths = walked(result);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"src/app.py", "web/app.js"}));
  for (const char* folder : {"dist", "web/out", "site/_next"}) {
    ASSERT_NE(skipped(result, folder), nullptr) << folder;
    EXPECT_EQ(skipped(result, folder)->reason, "build output (skipped by default)") << folder;
  }
  for (const char* folder : {"build", "native/build", "ext/build"}) {
    ASSERT_NE(skipped(result, folder), nullptr) << folder;
    EXPECT_TRUE(skipped(result, folder)->reason.starts_with("build output: it holds")) << skipped(result, folder)->reason;
  }
  ASSERT_NE(skipped(result, "web/vendor.min.js"), nullptr);
  EXPECT_EQ(skipped(result, "web/vendor.min.js")->reason, "minified bundle (skipped by default)");
}

// A build/ folder of hand-written sources (a build/Dockerfile, pipeline code) is the
// project's own code: walked, unlike a tool's output.
TEST(Walker, BuildFolderOfSourcesIsWalked) {
  TempDir root;
  root.write("build/Dockerfile", "FROM python:3.11\n");
  root.write("build/pipeline.py", "import pickle\n");
  root.write("build/steps/train.py", "x = 1\n");
  WalkResult result = walk_tree(root.path(), {});
  auto paths = walked(result);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"build/Dockerfile", "build/pipeline.py", "build/steps/train.py"}));
  EXPECT_EQ(skipped(result, "build"), nullptr);
}

TEST(Walker, NeverFollowsSymlinks) {
  TempDir outside, root;
  outside.write("private.txt", "secret");
  root.write("real.py", "x = 1\n");
  fs::create_symlink(outside.path() / "private.txt", root.path() / "escape.txt");
  fs::create_directory_symlink(outside.path(), root.path() / "escape_dir");
  fs::create_symlink(root.path() / "real.py", root.path() / "alias.py");
  WalkResult result = walk_tree(root.path(), {});
  auto paths = walked(result);
  EXPECT_EQ(paths, std::vector<std::string>{"real.py"});
  ASSERT_NE(skipped(result, "escape.txt"), nullptr);
  EXPECT_NE(skipped(result, "escape.txt")->reason.find("outside the scanned root"), std::string::npos);
  ASSERT_NE(skipped(result, "escape_dir"), nullptr);
  EXPECT_NE(skipped(result, "alias.py")->reason.find("inside the root"), std::string::npos);
}

TEST(Walker, SpecialFilesAreSkippedWithAReason) {
  TempDir root;
  root.write("a.py", "x = 1\n");
  ASSERT_EQ(::mkfifo((root.path() / "pipe").c_str(), 0600), 0);
  WalkResult result = walk_tree(root.path(), {});
  ASSERT_NE(skipped(result, "pipe"), nullptr);
  EXPECT_NE(skipped(result, "pipe")->reason.find("named pipe (FIFO)"), std::string::npos);
}

TEST(Walker, ConfigExcludesAndOwnReports) {
  TempDir root;
  root.write("src/a.py", "x = 1\n");
  root.write("generated/b.py", "y = 1\n");
  root.write("mlaudit.sarif", "{}");
  WalkOptions options;
  options.excludes = {"generated/"};
  options.skip_paths = {"mlaudit.sarif"};
  WalkResult result = walk_tree(root.path(), options);
  EXPECT_EQ(walked(result), std::vector<std::string>{"src/a.py"});
  EXPECT_NE(skipped(result, "generated")->reason.find("exclude"), std::string::npos);
}

// Config excludes are overrides, as ripgrep's `ignore` crate orders its matchers: when one
// matches, .gitignore / .mlauditignore have no say.
TEST(Walker, ConfigExcludesWinOverIgnoreFileReincludes) {
  TempDir root;
  root.write("src/a.py", "x = 1\n");
  root.write("secret_data/people.csv", "name,email\n");
  root.write("build/keep.py", "z = 1\n");
  root.write(".gitignore", "!secret_data/\nbuild/\n");
  WalkOptions options;
  options.excludes = {"secret_data/", "!build/"};
  WalkResult result = walk_tree(root.path(), options);
  EXPECT_EQ(walked(result), (std::vector<std::string>{".gitignore", "build/keep.py", "src/a.py"}));
  ASSERT_NE(skipped(result, "secret_data"), nullptr);
  EXPECT_NE(skipped(result, "secret_data")->reason.find("in config"), std::string::npos);
}

TEST(Walker, SingleFileAndMissingTarget) {
  TempDir root;
  fs::path file = root.write("one.py", "x = 1\n");
  WalkResult result = walk_tree(file, {});
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(result.files[0].relative, "one.py");
  EXPECT_THROW(walk_tree(root.path() / "missing", {}), std::runtime_error);
}

}  // namespace
}  // namespace mlaudit
