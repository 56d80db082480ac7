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
