// Hostile model files (issue 16's model-parser cases, scaled down to keep the suite fast;
// bench/model-hostile.sh runs them at full size and records time and peak memory): each
// scan ends, reports the file and the limit it hit, and keeps what it found before.
#include <gtest/gtest.h>

#include <zlib.h>

#include "test_support.h"

namespace mlaudit {
namespace {

std::vector<const Finding*> findings_for(const ScanResult& result, const std::string& file) {
  std::vector<const Finding*> found;
  for (const auto& finding : result.findings)
    if (finding.location.file == file) found.push_back(&finding);
  return found;
}

bool has_rule(const ScanResult& result, const std::string& file, const std::string& rule) {
  for (const Finding* finding : findings_for(result, file))
    if (finding->rule->id == rule) return true;
  return false;
}

std::string message_of(const ScanResult& result, const std::string& file, const std::string& rule) {
  for (const Finding* finding : findings_for(result, file))
    if (finding->rule->id == rule) return finding->message;
  return {};
}

TEST(ModelHostile, NestedJoblibObjectArraysEndInALimitFinding) {
  testing::TempDir root;
  std::string wrapper =
      "\x80\x04\x8c\x13joblib.numpy_pickle\x8c\x11NumpyArrayWrapper\x93)\x81}(\x8c\x05shape\x4b\x01\x85\x8c\x05" "dtype"
      "\x8c\x05numpy\x8c\x05" "dtype\x93\x8c\x02|O\x85R\x75\x62";
  std::string data;
  for (int i = 0; i < 100000; ++i) data += wrapper;
  root.write("deep.joblib", data);
  ScanResult result = testing::scan(root.path(), {"model.*"});
  EXPECT_NE(message_of(result, "deep.joblib", "model.analysis-limit").find("nested deeper"), std::string::npos);
}

TEST(ModelHostile, MemoryHungryPickleStopsAtItsBudgetAndKeepsWhatCameBefore) {
  testing::TempDir root;
  // A payload first, then millions of memoised lists that all stay reachable.
  std::string data = "\x80\x04\x8c\x05posix\x8c\x06system\x93\x8c\x04" "echo\x85R0";
  data.reserve(data.size() + 3 * 6'000'000);
  for (int i = 0; i < 6'000'000; ++i) data += "]\x94" "0";
  data += "N.";
  root.write("memo.pkl", data);
  ScanResult result = testing::scan(root.path(), {"model.*"});
  EXPECT_TRUE(has_rule(result, "memo.pkl", "model.pickle-code-execution"));
  EXPECT_NE(message_of(result, "memo.pkl", "model.analysis-limit").find("working memory"), std::string::npos);
}

TEST(ModelHostile, ZipMemberLargerThanItsHeaderClaimsIsNotReadPastTheClaim) {
  testing::TempDir root;
  // A stored member whose headers claim 10 bytes while 1 MiB follows.
  std::string content = "\x80\x04N." + std::string(1 << 20, 'x');
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size()));
  auto le = [](uint64_t value, int width) {
    std::string out;
    for (int i = 0; i < width; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
    return out;
  };
  std::string name = "data.pkl";
  std::string local = "PK\x03\x04" + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(crc, 4) + le(10, 4) + le(10, 4) +
                      le(name.size(), 2) + le(0, 2) + name + content;
  std::string central = "PK\x01\x02" + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(crc, 4) + le(10, 4) +
                        le(10, 4) + le(name.size(), 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) + name;
  std::string end = "PK\x05\x06" + le(0, 2) + le(0, 2) + le(1, 2) + le(1, 2) + le(central.size(), 4) + le(local.size(), 4) + le(0, 2);
  root.write("claims.zip", local + central + end);
  ScanResult result = testing::scan(root.path(), {"model.*"});
  ASSERT_TRUE(result.extraction.files.size() == 1 && result.extraction.files[0].scanned());
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::model_artifact) EXPECT_LT(fact.props["pickle_opcodes"].get<uint64_t>(), 100u);
}

TEST(ModelHostile, OnnxGraphOfMillionsOfEmptyNodesIsCountedNotParsed) {
  testing::TempDir root;
  // ModelProto.graph (field 7) holding 3 million empty NodeProto (field 1, length 0).
  size_t nodes = 3'000'000;
  std::string graph;
  graph.reserve(nodes * 2);
  for (size_t i = 0; i < nodes; ++i) graph += std::string("\x0a\x00", 2);
  std::string length;
  for (uint64_t value = graph.size(); ; ) {
    unsigned char byte = value & 0x7F;
    value >>= 7;
    length += static_cast<char>(byte | (value ? 0x80 : 0));
    if (!value) break;
  }
  root.write("huge.onnx", std::string("\x08\x08", 2) + "\x3a" + length + graph);
  ScanResult result = testing::scan(root.path(), {"model.*"});
  EXPECT_NE(message_of(result, "huge.onnx", "model.analysis-limit").find("nodes"), std::string::npos);
}

TEST(ModelHostile, CompressedStreamSaysWhatWasAnalysedAndWhatWasCut) {
  testing::TempDir root;
  // A gzip'd pickle that calls eval, then 300 MiB of zeros: the cut keeps the payload.
  std::string pickle = "\x80\x02" "cbuiltins\neval\nX\x02\x00\x00\x00" "1+1\x85R.";
  z_stream stream{};
  deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(1 << 20, '\0'), compressed;
  std::string zeros(1 << 20, '\0');
  auto feed = [&](const std::string& chunk, int flush) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    stream.avail_in = static_cast<uInt>(chunk.size());
    do {
      stream.next_out = reinterpret_cast<Bytef*>(out.data());
      stream.avail_out = static_cast<uInt>(out.size());
      deflate(&stream, flush);
      compressed.append(out.data(), out.size() - stream.avail_out);
    } while (stream.avail_out == 0);
  };
  feed(pickle, Z_NO_FLUSH);
  for (int i = 0; i < 300; ++i) feed(zeros, Z_NO_FLUSH);
  feed(std::string(), Z_FINISH);
  deflateEnd(&stream);
  root.write("bomb.pkl.gz", compressed);
  ScanResult result = testing::scan(root.path(), {"model.*"});
  EXPECT_TRUE(has_rule(result, "bomb.pkl.gz", "model.pickle-code-execution"));
  EXPECT_NE(message_of(result, "bomb.pkl.gz", "model.analysis-limit").find("were analysed"), std::string::npos);
}

TEST(ModelHostile, RepeatedKerasOpeningsAreSearchedInOnePass) {
  testing::TempDir root;
  std::string data = std::string("\x89HDF\r\n\x1a\n", 8);
  for (int i = 0; i < 40000; ++i) data += "{\"class_name\": \"X\", ";
  data += std::string(16, '\0');
  data += R"({"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "l", "function": "lambda x: x"}}]}})";
  root.write("repeats.h5", data);
  ScanResult result = testing::scan(root.path(), {"model.*"});
  EXPECT_TRUE(has_rule(result, "repeats.h5", "model.keras-lambda-layer"));
}

}  // namespace
}  // namespace mlaudit
