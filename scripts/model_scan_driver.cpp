// Runs the model-file analysers (sniffer, ArtifactAnalyzer with every format, chat-template
// check) on each file named on the command line, without the rest of the scanner: built by
// scripts/model-sanitizers.sh with AddressSanitizer and UBSan, so the parsers can be run
// over the fixtures and the peer corpora in minutes. Prints one line per file.
#include <fstream>
#include <iostream>
#include <sstream>

#include "extract/model/artifact_analyzer.h"
#include "extract/model/chat_template.h"
#include "sniff/sniffer.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream stream(argv[i], std::ios::binary);
    std::stringstream buffer;
    buffer << stream.rdbuf();
    std::string bytes = buffer.str();
    mlaudit::SniffResult sniffed = mlaudit::sniff_bytes(bytes, argv[i]);
    mlaudit::FactSink sink;
    mlaudit::model::ArtifactAnalyzer analyzer(argv[i], sink);
    analyzer.analyze(bytes, sniffed, "", 0);
    auto injection = mlaudit::model::find_template_injection(bytes);
    std::cout << argv[i] << ": " << mlaudit::to_string(sniffed.kind) << ", " << sink.facts().size() << " facts, "
              << sink.diagnostics().size() << " notes" << (injection.found() ? ", template injection" : "") << "\n";
  }
  return 0;
}
