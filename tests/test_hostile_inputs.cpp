// Nothing crashes on a hostile file, and the scan goes on: random bytes under every name,
// truncated files, deep nesting, huge lines. Deterministic (fixed seed).
#include <gtest/gtest.h>

#include <random>

#include "test_support.h"

namespace mlaudit {
namespace {

std::string random_bytes(std::mt19937& random, size_t size) {
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(random() & 0xFF);
  return bytes;
}

TEST(HostileInputs, EveryFileIsAccountedForAndNothingCrashes) {
  testing::TempDir root;
  std::mt19937 random(20261126);
  const std::vector<std::string> names = {"a.py", "b.ipynb", "c.yaml", "d.json", "e.toml", "Dockerfile", "requirements.txt",
                                          "f.ini", ".env", "g.csv", "h.pkl", "i.npy", "j.safetensors", "k.zip", "MLmodel",
                                          "dvc.yaml", "l.dvc", "m.jsonl", "n.txt", "o.xml", "p.pt", "q.onnx",
                                          "r.keras", "s.h5", "t.joblib", "u.tar.gz", "v.pmml", "w.pkl.gz"};
  size_t written = 0;
  for (int round = 0; round < 5; ++round) {
    for (const auto& name : names) {
      root.write("random" + std::to_string(round) + "/" + name, random_bytes(random, 64 + random() % 4096));
      ++written;
    }
  }
  // Valid starts cut short, and headers that lie about sizes.
  root.write("cut/model.safetensors", std::string("\xff\xff\xff\xff\xff\xff\xff\x7f{\"a\":", 14));
  root.write("cut/arrays.npz", "PK\x03\x04" + random_bytes(random, 200));
  root.write("cut/nb.ipynb", R"({"cells": [{"cell_type": "code", "source": ["import os\n", "os.sys)");
  root.write("cut/k8s.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: x\n      securityContext: [");
  root.write("cut/pickle.pkl", std::string("\x80\x05\x95\xff\xff\xff\xff", 7));
  root.write("cut/huge_string.pkl", std::string("\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f", 11));  // BINUNICODE8 of 2^63
  root.write("cut/model.onnx", "\x08" + random_bytes(random, 300));
  root.write("cut/model.h5", std::string("\x89HDF\r\n\x1a\n", 8) + "{\"class_name\": \"Lambda\", \"config\": {" +
                                 random_bytes(random, 500));
  root.write("cut/model.tar.gz", std::string("\x1f\x8b\x08\x00", 4) + random_bytes(random, 300));
  root.write("cut/appended.pkl", std::string("\x80\x04N.", 4) + "PK\x05\x06" + std::string(18, '\xff'));
  // Depth and size.
  root.write("deep/nested.json", std::string(100000, '[') + std::string(100000, ']'));
  root.write("deep/nested.yaml", std::string(20000, '[') + std::string(20000, ']'));
  root.write("deep/nested.toml", "a = " + std::string(5000, '[') + std::string(5000, ']') + "\n");
  root.write("deep/calls.py", "x = " + std::string(50000, '(') + "1" + std::string(50000, ')') + "\n");
  root.write("deep/long_line.py", "s = '" + std::string(2 << 20, 'a') + "'\nimport pickle\npickle.loads(s)\n");
  root.write("deep/notebook.ipynb", "{\"cells\": " + std::string(50000, '[') + std::string(50000, ']') + "}");
  root.write("deep/marks.pkl", "\x80\x04" + std::string(1000000, '(') + ".");                 // a million MARKs
  root.write("deep/lists.pkl", "\x80\x04" + std::string(200000, ']') + std::string(199999, 'a') + ".");  // nested lists
  root.write("deep/config.keras.json", std::string(100000, '{'));
  written += 19;

  ScanResult result = testing::scan(root.path());
  EXPECT_EQ(result.extraction.files.size(), written);
  for (const auto& file : result.extraction.files)
    EXPECT_TRUE(file.scanned() || !file.skip_reason.empty()) << file.path << " neither scanned nor given a reason";
  for (const auto& diagnostic : result.diagnostics)
    EXPECT_NE(diagnostic.code, "extractor-failed") << diagnostic.location.file << ": " << diagnostic.message;
  bool found = false;  // the scan still sees through the long file
  for (const auto& finding : result.findings)
    found = found || (finding.location.file == "deep/long_line.py" && finding.rule->id == "code.pickle-deserialization");
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace mlaudit
