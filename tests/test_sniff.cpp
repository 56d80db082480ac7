// sniff/: content decides the kind first, the name second.
#include <gtest/gtest.h>
#include <zip.h>

#include "sniff/sniffer.h"
#include "test_support.h"
#include "util/file_io.h"

namespace mlaudit {
namespace {

using testing::TempDir;

SniffResult sniff_file(const TempDir& root, const std::string& name, const std::string& content) {
  auto path = root.write(name, content);
  auto head = std::get<std::string>(read_file_prefix(path, kSniffHeadBytes));
  return sniff(path, name, head, content.size());
}

void write_zip(const std::filesystem::path& path, const std::vector<std::string>& members) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr);
  for (const auto& member : members) {
    zip_source_t* source = zip_source_buffer(archive, "x", 1, 0);
    zip_file_add(archive, member.c_str(), source, ZIP_FL_OVERWRITE);
  }
  ASSERT_EQ(zip_close(archive), 0);
}

TEST(Sniff, PickleIsAPickleWhateverItsName) {
  TempDir root;
  std::string protocol4("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x05numpy\x94.", 21);
  EXPECT_EQ(sniff_file(root, "notes.txt", protocol4).kind, FileKind::pickle);
  EXPECT_EQ(sniff_file(root, "model.safetensors", protocol4).kind, FileKind::pickle);
  EXPECT_EQ(sniff_file(root, "legacy.dat", "cos\nsystem\n(S'id'\ntR.").kind, FileKind::pickle);
  std::string legacy_torch("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15);
  EXPECT_EQ(sniff_file(root, "weights.pt", legacy_torch).kind, FileKind::torch_legacy);
}

TEST(Sniff, OpcodeStreamsAreRecognisedWhateverTheyOpenWith) {
  TempDir root;
  // UNICODE + PUT first, junk after STOP: no opening the fixed list knows.
  std::string memo_trick = "Vposix\np0\n0Vsystem\np1\n0g0\ng1\n\x93(Vid\ntR.\n\n\t";
  EXPECT_EQ(sniff_file(root, "model.pkl", memo_trick).kind, FileKind::pickle);
  EXPECT_EQ(sniff_file(root, "weights.bin", "S'os'\nS'system'\n\x93S'ls'\n\x85R.").kind, FileKind::pickle);
  // "(S'" passes zlib's header check but does not inflate: a protocol-0 pickle, not joblib's zlib.
  EXPECT_EQ(sniff_file(root, "m.pkl", "(S'print(1)'\ni__builtin__\nexec\n.").kind, FileKind::pickle);
  // Prose is not a pickle, even named like one; a binary reaching no STOP is not either.
  EXPECT_NE(sniff_file(root, "readme.pkl", "This folder holds the model.\n").kind, FileKind::pickle);
  EXPECT_NE(sniff_file(root, "blob.dat", std::string("\x00\x01\x02\x03", 4)).kind, FileKind::pickle);
}

TEST(Sniff, TemplatesArchivesAndSavedModels) {
  TempDir root;
  EXPECT_EQ(sniff_file(root, "chat.jinja", "{% for m in messages %}{{ m.content }}{% endfor %}").kind,
            FileKind::jinja_template);
  // Opening with "{%" made a template look like JSON, and then like a dataset.
  EXPECT_EQ(sniff_file(root, "chat.template", "{% for m in messages %}{{ m.content }}{% endfor %}").kind,
            FileKind::jinja_template);
  EXPECT_EQ(sniff_file(root, "a.7z", std::string("7z\xbc\xaf\x27\x1c\x00\x04", 8)).kind, FileKind::sevenzip);
  EXPECT_EQ(sniff_file(root, "a.rar", std::string("Rar!\x1a\x07\x01\x00", 8)).kind, FileKind::rar);
  EXPECT_EQ(sniff_file(root, "export/saved_model.pb", std::string("\x12\x02\x12\x00", 4)).kind, FileKind::tf_saved_model);
}

TEST(Sniff, BinaryModelFormats) {
  TempDir root;
  EXPECT_EQ(sniff_file(root, "a.bin", std::string("\x93NUMPY\x01\x00v\x00{'descr': '<f4'}", 25)).kind, FileKind::npy);
  EXPECT_EQ(sniff_file(root, "a.weights", std::string("\x89HDF\r\n\x1a\n\0\0", 10)).kind, FileKind::hdf5);
  std::string header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
  std::string safetensors(8, '\0');
  safetensors[0] = static_cast<char>(header.size());
  safetensors += header + std::string(4, '\0');
  EXPECT_EQ(sniff_file(root, "model.bin", safetensors).kind, FileKind::safetensors);
  EXPECT_EQ(sniff_file(root, "m.gguf", "GGUF\x03\0\0\0").kind, FileKind::gguf);
  EXPECT_EQ(sniff_file(root, "x.dat", "\x1f\x8b\x08\0\0\0").kind, FileKind::gzip);
}

TEST(Sniff, ZipContainersByMemberNames) {
  TempDir root;
  write_zip(root.path() / "model.bin", {"archive/data.pkl", "archive/version", "archive/data/0"});
  auto head = std::get<std::string>(read_file_prefix(root.path() / "model.bin", kSniffHeadBytes));
  auto size = std::filesystem::file_size(root.path() / "model.bin");
  EXPECT_EQ(sniff(root.path() / "model.bin", "model.bin", head, size).kind, FileKind::pytorch_zip);
  write_zip(root.path() / "ts.zip", {"m/data.pkl", "m/constants.pkl", "m/code/__torch__/m.py"});
  head = std::get<std::string>(read_file_prefix(root.path() / "ts.zip", kSniffHeadBytes));
  EXPECT_EQ(sniff(root.path() / "ts.zip", "ts.zip", head, std::filesystem::file_size(root.path() / "ts.zip")).kind,
            FileKind::torchscript);
  write_zip(root.path() / "arrays.npz", {"a.npy", "b.npy"});
  head = std::get<std::string>(read_file_prefix(root.path() / "arrays.npz", kSniffHeadBytes));
  EXPECT_EQ(sniff(root.path() / "arrays.npz", "arrays.npz", head, std::filesystem::file_size(root.path() / "arrays.npz")).kind,
            FileKind::npz);
}

TEST(Sniff, TextKindsByContentWhenTheNameSaysNothing) {
  TempDir root;
  EXPECT_EQ(sniff_file(root, "build", "# syntax\nFROM python:3.11\nRUN x\n").kind, FileKind::dockerfile);
  EXPECT_EQ(sniff_file(root, "export.data", "id,name,email\n1,a,b\n2,c,d\n").kind, FileKind::csv);
  EXPECT_EQ(sniff_file(root, "run", "#!/usr/bin/env python3\nprint(1)\n").kind, FileKind::python);
  EXPECT_EQ(sniff_file(root, "x.json", "{\"cells\": [], \"metadata\": {}, \"nbformat\": 4}").kind, FileKind::notebook);
  EXPECT_EQ(sniff_file(root, "rows.json", "[{\"a\": 1}, {\"a\": 2}]").kind, FileKind::json_records);
  EXPECT_EQ(sniff_file(root, "broken.ipynb", "not json").kind, FileKind::json);
}

TEST(Sniff, NamesForConfiguration) {
  TempDir root;
  EXPECT_EQ(sniff_file(root, "requirements-dev.txt", "flask\n").kind, FileKind::requirements);
  EXPECT_EQ(sniff_file(root, ".env.production", "A=1\n").kind, FileKind::env_file);
  EXPECT_EQ(sniff_file(root, "MLmodel", "flavors: {}\n").kind, FileKind::yaml);
  EXPECT_EQ(sniff_file(root, "Dockerfile.gpu", "ARG X\n").kind, FileKind::dockerfile);
  EXPECT_EQ(sniff_file(root, "empty.py", "").kind, FileKind::empty);
}

}  // namespace
}  // namespace mlaudit
