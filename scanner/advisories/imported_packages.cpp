#include "advisories/imported_packages.h"

#include <map>

#include "util/code_context.h"
#include "util/text.h"

namespace mlaudit {
namespace {

// Distributions whose import name differs from their name (after PEP 503 normalising and
// '-' read as '_').
const std::map<std::string_view, std::string_view>& import_names() {
  static const std::map<std::string_view, std::string_view> names{
      {"scikit-learn", "sklearn"},      {"scikit-image", "skimage"},   {"pyyaml", "yaml"},
      {"pillow", "pil"},                {"opencv-python", "cv2"},      {"opencv-python-headless", "cv2"},
      {"opencv-contrib-python", "cv2"}, {"beautifulsoup4", "bs4"},     {"python-dateutil", "dateutil"},
      {"pyjwt", "jwt"},                 {"attrs", "attr"},             {"protobuf", "google"},
      {"pycryptodome", "crypto"},       {"python-dotenv", "dotenv"},   {"python-multipart", "multipart"},
      {"python-jose", "jose"},          {"gitpython", "git"},          {"pyzmq", "zmq"},
      {"pyopenssl", "openssl"},         {"pymupdf", "fitz"},           {"faiss-cpu", "faiss"},
      {"faiss-gpu", "faiss"},           {"tensorflow-cpu", "tensorflow"}, {"tensorflow-gpu", "tensorflow"},
      {"sentence-transformers", "sentence_transformers"}, {"google-cloud-storage", "google"},
      {"google-cloud-aiplatform", "google"}, {"azureml-core", "azureml"}, {"mlflow-skinny", "mlflow"}};
  return names;
}

}  // namespace

ImportedPackages::ImportedPackages(const std::vector<Fact>& facts) {
  for (const auto& fact : facts) {
    if (fact.type != FactType::import || code_context_of(fact.location.file) == CodeContext::test) continue;
    std::string module = fact.props.value("module", "");
    if (module.empty() || module.front() == '.') continue;   // a relative import is the project's own
    modules_.insert(to_lower(module.substr(0, module.find('.'))));
  }
}

bool ImportedPackages::imports(std::string_view distribution) const {
  if (auto found = import_names().find(distribution); found != import_names().end())
    return modules_.contains(found->second);
  std::string module(distribution);
  for (char& c : module)
    if (c == '-' || c == '.') c = '_';
  return modules_.contains(module);
}

}  // namespace mlaudit
