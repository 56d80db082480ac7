// extract/notebook: code cells analysed as Python, locations on the .ipynb's own lines.
#include <gtest/gtest.h>

#include "extract/notebook/notebook_reader.h"
#include "test_support.h"
#include "util/text.h"

namespace mlaudit {
namespace {

TEST(Notebook, FindingsPointAtTheNotebookLine) {
  auto path = testing::fixture("projects/vulnerable-service");
  auto extraction = testing::extract(path);
  std::string content = testing::read_text(path / "notebooks/exploration.ipynb");
  bool found = false;
  for (const auto& fact : testing::facts_of(extraction, FactType::call)) {
    if (fact.location.file != "notebooks/exploration.ipynb" || fact.props["callee"] != "torch.load") continue;
    found = true;
    auto line = line_at(content, fact.location.line);
    EXPECT_NE(line.find("torch.load"), std::string_view::npos) << line;
    // the column points inside the JSON string, at the call itself
    EXPECT_EQ(line.substr(fact.location.column - 1, 10), "torch.load") << line;
  }
  EXPECT_TRUE(found);
}

TEST(Notebook, MagicsDoNotBreakParsingAndOutputsAreRead) {
  testing::TempDir root;
  root.write("n.ipynb", R"nb({
 "cells": [
  {"cell_type": "code", "metadata": {}, "outputs": [
    {"output_type": "stream", "name": "stdout", "text": ["alice@example.com\n", "done\n"]}],
   "source": ["%pip install torch\n", "!ls\n", "import os\n", "os.system(cmd)"]},
  {"cell_type": "markdown", "metadata": {}, "source": ["eval(x)"]}
 ],
 "metadata": {"kernelspec": {"language": "python"}},
 "nbformat": 4, "nbformat_minor": 5
})nb");
  NotebookError error;
  auto notebook = read_notebook(testing::read_text(root.path() / "n.ipynb"), error);
  ASSERT_TRUE(notebook);
  ASSERT_EQ(notebook->cells.size(), 2u);
  EXPECT_EQ(notebook->cells[0].source.size(), 4u);
  EXPECT_EQ(notebook->cells[0].source[3].file_line, 5u);  // all four strings sit on line 5
  ASSERT_EQ(notebook->cells[0].outputs.size(), 2u);
  EXPECT_EQ(notebook->cells[0].outputs[0].text, "alice@example.com");
  auto calls = testing::facts_of(testing::extract(root.path()), FactType::call);
  ASSERT_EQ(calls.size(), 1u);  // markdown is not code
  EXPECT_EQ(calls[0].props["callee"], "os.system");
  EXPECT_EQ(calls[0].location.line, 5u);
}

// A line of only `!` (the fuzzer's find, kept in fuzz/regressions/fuzz_notebook/) escapes
// nothing: it used to throw std::out_of_range out of the extractor, losing the notebook.
TEST(Notebook, BareShellEscapeLinesAreNoCommand) {
  testing::TempDir root;
  root.write("n.ipynb", R"nb({
 "cells": [
  {"cell_type": "code", "metadata": {}, "outputs": [],
   "source": ["!\n", "!!\n", "  !  \n", "!pip install torch\n", "import os\n", "os.system(cmd)"]}
 ],
 "metadata": {"kernelspec": {"language": "python"}},
 "nbformat": 4, "nbformat_minor": 5
})nb");
  auto extraction = testing::extract(root.path());
  auto shells = testing::facts_of(extraction, FactType::shell_command);
  ASSERT_EQ(shells.size(), 1u);
  EXPECT_EQ(shells[0].props.value("command", ""), "pip install torch");
  auto calls = testing::facts_of(extraction, FactType::call);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].props["callee"], "os.system");
  std::string crash = testing::read_text(testing::source_dir() / "fuzz/regressions/fuzz_notebook/bare-shell-escape-line");
  testing::TempDir replay;
  replay.write("crash.ipynb", crash);
  EXPECT_NO_THROW(testing::extract(replay.path()));
}

TEST(Notebook, OtherKernelsAndBrokenJson) {
  testing::TempDir root;
  root.write("r.ipynb", R"nb({"cells": [{"cell_type": "code", "source": ["eval(x)"], "metadata": {}, "outputs": []}],
 "metadata": {"kernelspec": {"language": "R"}}, "nbformat": 4})nb");
  root.write("bad.ipynb", R"nb({"cells": [{"cell_type": "code", "source": ["x = 1"])nb");
  auto extraction = testing::extract(root.path());
  EXPECT_TRUE(testing::facts_of(extraction, FactType::call).empty());
  int notes = 0;
  for (const auto& diagnostic : extraction.diagnostics) {
    if (diagnostic.location.file == "r.ipynb" && diagnostic.code == "unsupported-language") ++notes;
    if (diagnostic.location.file == "bad.ipynb" && diagnostic.code == "parse-error") ++notes;
  }
  EXPECT_EQ(notes, 2);
}

}  // namespace
}  // namespace mlaudit
