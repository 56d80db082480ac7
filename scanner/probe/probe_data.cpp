#include "probe/probe_data.h"

#include <torch/serialize.h>
#if MLAUDIT_PROBE_HAVE_LIBZIP
#include <zip.h>
#endif

#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace mlaudit::probe {
namespace {

std::vector<char> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path.string() + ": cannot be read");
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// NumPy format 1.0-3.0: magic, version, header length, a Python-literal dict header.
torch::Tensor parse_npy(const std::vector<char>& bytes, const std::string& name) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) throw DataError(name + ": not an .npy array");
  int major = static_cast<unsigned char>(bytes[6]);
  size_t header_length = 0, offset = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else {
    if (bytes.size() < 12) throw DataError(name + ": truncated .npy header");
    header_length = static_cast<uint32_t>(static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8) |
                                          (static_cast<unsigned char>(bytes[10]) << 16) |
                                          (static_cast<uint32_t>(static_cast<unsigned char>(bytes[11])) << 24));
    offset = 12;
  }
  if (offset + header_length > bytes.size()) throw DataError(name + ": truncated .npy header");
  std::string header(bytes.data() + offset, header_length);
  std::smatch match;
  static const std::regex descr_re(R"('descr'\s*:\s*'([<>|=])([a-z])(\d+)')");
  static const std::regex order_re(R"('fortran_order'\s*:\s*(True|False))");
  static const std::regex shape_re(R"('shape'\s*:\s*\(([^)]*)\))");
  if (!std::regex_search(header, match, descr_re)) throw DataError(name + ": unsupported dtype in " + header);
  char endian = match[1].str()[0], kind = match[2].str()[0];
  int size = std::stoi(match[3].str());
  if (endian == '>' && size > 1) throw DataError(name + ": big-endian arrays are not supported");
  if (std::regex_search(header, match, order_re) && match[1] == "True") throw DataError(name + ": Fortran-ordered arrays are not supported");
  if (!std::regex_search(header, match, shape_re)) throw DataError(name + ": no shape in header");
  std::vector<int64_t> shape;
  std::stringstream dims(match[1].str());
  for (std::string dim; std::getline(dims, dim, ',');)
    if (dim.find_first_not_of(" ") != std::string::npos) shape.push_back(std::stoll(dim));
  torch::ScalarType type;
  if (kind == 'f' && size == 4) type = torch::kFloat32;
  else if (kind == 'f' && size == 8) type = torch::kFloat64;
  else if (kind == 'i' && size == 8) type = torch::kInt64;
  else if (kind == 'i' && size == 4) type = torch::kInt32;
  else if (kind == 'i' && size == 2) type = torch::kInt16;
  else if (kind == 'i' && size == 1) type = torch::kInt8;
  else if (kind == 'u' && size == 1) type = torch::kUInt8;
  else if (kind == 'b' && size == 1) type = torch::kBool;
  else throw DataError(name + ": dtype " + std::string(1, kind) + std::to_string(size) + " is not supported (object arrays are never read)");
  int64_t count = 1;
  for (auto dim : shape) count *= dim;
  size_t data_offset = offset + header_length;
  if (data_offset + static_cast<size_t>(count) * size > bytes.size()) throw DataError(name + ": data shorter than its shape");
  auto tensor = torch::empty(shape, torch::TensorOptions().dtype(type));
  std::memcpy(tensor.data_ptr(), bytes.data() + data_offset, static_cast<size_t>(count) * size);
  return tensor;
}

std::map<std::string, torch::Tensor> parse_npz(const std::filesystem::path& path) {
#if !MLAUDIT_PROBE_HAVE_LIBZIP
  throw DataError(path.string() + ": .npz archives need libzip, which this mlaudit-probe was built without; save .npy files");
#else
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (!archive) throw DataError(path.string() + ": not a readable .npz archive");
  std::map<std::string, torch::Tensor> arrays;
  zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < entries && i < 64; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive, i, 0, &stat) != 0 || stat.size > (2ull << 30)) continue;
    std::string name = stat.name;
    if (!name.ends_with(".npy")) continue;
    zip_file_t* file = zip_fopen_index(archive, i, 0);
    if (!file) continue;
    std::vector<char> bytes(stat.size);
    zip_int64_t read = zip_fread(file, bytes.data(), stat.size);
    zip_fclose(file);
    if (read != static_cast<zip_int64_t>(stat.size)) continue;
    arrays[name.substr(0, name.size() - 4)] = parse_npy(bytes, path.string() + ":" + name);
  }
  zip_close(archive);
  if (arrays.empty()) throw DataError(path.string() + ": no arrays in the .npz archive");
  return arrays;
#endif
}

torch::Tensor parse_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path.string() + ": cannot be read");
  std::vector<float> values;
  int64_t rows = 0, columns = -1;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line == "\r") continue;
    std::vector<float> row;
    std::stringstream cells(line);
    bool numeric = true;
    for (std::string cell; std::getline(cells, cell, ',');) {
      try {
        size_t used = 0;
        row.push_back(std::stof(cell, &used));
      } catch (const std::exception&) {
        numeric = false;
        break;
      }
    }
    if (!numeric) {
      if (rows == 0 && values.empty()) continue;  // a header line
      throw DataError(path.string() + ": row " + std::to_string(rows + 1) + " is not numeric");
    }
    if (columns < 0) columns = static_cast<int64_t>(row.size());
    if (static_cast<int64_t>(row.size()) != columns) throw DataError(path.string() + ": rows have different lengths");
    values.insert(values.end(), row.begin(), row.end());
    ++rows;
  }
  if (rows == 0) throw DataError(path.string() + ": no numeric rows");
  return torch::from_blob(values.data(), {rows, columns}, torch::kFloat32).clone();
}

const char* kInputKeys[] = {"x", "inputs", "data", "X", "features", "images"};
const char* kLabelKeys[] = {"y", "labels", "target", "targets", "Y", "label"};

Dataset from_named(const std::map<std::string, torch::Tensor>& named, const std::string& where) {
  Dataset dataset;
  for (const char* key : kInputKeys)
    if (auto found = named.find(key); found != named.end()) dataset.inputs = found->second;
  for (const char* key : kLabelKeys)
    if (auto found = named.find(key); found != named.end()) dataset.labels = found->second;
  if (!dataset.inputs.defined() && named.size() == 1) dataset.inputs = named.begin()->second;
  if (!dataset.inputs.defined()) throw DataError(where + ": no inputs (expected a key x, inputs or data)");
  return dataset;
}

Dataset load_torch(const std::filesystem::path& path) {
  c10::IValue value;
  try {
    value = torch::pickle_load(read_bytes(path));
  } catch (const c10::Error& error) {
    throw DataError(path.string() + ": not a torch.save file LibTorch can read: " + error.what_without_backtrace());
  }
  if (value.isTensor()) return {value.toTensor(), std::nullopt};
  if (value.isTuple() || value.isList()) {
    std::vector<c10::IValue> items;
    if (value.isTuple())
      for (const auto& item : value.toTupleRef().elements()) items.push_back(item);
    else
      for (const auto& item : value.toListRef()) items.push_back(item);
    if (!items.empty() && items[0].isTensor()) {
      Dataset dataset{items[0].toTensor(), std::nullopt};
      if (items.size() > 1 && items[1].isTensor()) dataset.labels = items[1].toTensor();
      return dataset;
    }
  }
  if (value.isGenericDict()) {
    std::map<std::string, torch::Tensor> named;
    for (const auto& entry : value.toGenericDict())
      if (entry.key().isString() && entry.value().isTensor()) named[entry.key().toStringRef()] = entry.value().toTensor();
    return from_named(named, path.string());
  }
  throw DataError(path.string() + ": holds neither a tensor nor a (inputs, labels) pair");
}

Dataset load_any(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  if (!std::filesystem::is_regular_file(path)) throw DataError(path.string() + ": no such file");
  if (extension == ".npy") return {parse_npy(read_bytes(path), path.string()), std::nullopt};
  if (extension == ".npz") return from_named(parse_npz(path), path.string());
  if (extension == ".csv" || extension == ".txt") return {parse_csv(path), std::nullopt};
  if (extension == ".pt" || extension == ".pth" || extension == ".bin") return load_torch(path);
  throw DataError(path.string() + ": unknown data format (use .npy, .npz, .pt or .csv)");
}

}  // namespace

torch::Tensor load_array(const std::filesystem::path& path) { return load_any(path).inputs; }

Dataset load_dataset(const std::filesystem::path& path, const std::optional<std::filesystem::path>& labels_path,
                     const std::vector<int64_t>& input_shape) {
  Dataset dataset = load_any(path);
  if (labels_path) dataset.labels = load_array(*labels_path);
  dataset.inputs = dataset.inputs.to(torch::kFloat32);
  if (!input_shape.empty()) {
    std::vector<int64_t> shape{dataset.inputs.size(0)};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    try {
      dataset.inputs = dataset.inputs.reshape(shape);
    } catch (const c10::Error&) {
      throw DataError(path.string() + ": rows cannot be reshaped to the declared input shape");
    }
  }
  if (dataset.labels) {
    auto labels = dataset.labels->to(torch::kInt64).flatten();
    if (labels.size(0) != dataset.inputs.size(0))
      throw DataError(path.string() + ": " + std::to_string(dataset.inputs.size(0)) + " inputs but " +
                      std::to_string(labels.size(0)) + " labels");
    dataset.labels = labels;
  }
  return dataset;
}

}  // namespace mlaudit::probe
