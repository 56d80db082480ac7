#include "extract/extract_files.h"

#include <atomic>
#include <exception>
#include <thread>

#include "extract/extractor.h"
#include "sniff/sniffer.h"
#include "util/file_io.h"
#include "util/text.h"

namespace mlaudit {
namespace {

struct FileOutcome {
  FileRecord record;
  FactSink sink;
};

std::string skip_reason_for(const SniffResult& sniffed) {
  switch (family_of(sniffed.kind)) {
    case FileFamily::archive: return "archive (" + sniffed.detail + "): its members are not inspected";
    default: break;
  }
  switch (sniffed.kind) {
    case FileKind::empty: return "empty file";
    case FileKind::image: return "image: no extractor reads images";
    case FileKind::pdf: return "PDF document: not analysed";
    case FileKind::executable: return "executable binary: not analysed";
    default: return sniffed.detail + ": no extractor for this kind of file";
  }
}

void process_file(const WalkedFile& file, const std::vector<std::unique_ptr<Extractor>>& extractors,
                  const ExtractionOptions& options, FileOutcome& outcome) {
  FileRecord& record = outcome.record;
  record.path = file.relative;
  record.size = file.size;
  auto head = read_file_prefix(file.absolute, kSniffHeadBytes);
  if (auto* error = std::get_if<ReadError>(&head)) {
    record.skip_reason = "unreadable: " + error->message;
    outcome.sink.diagnose(DiagnosticLevel::warning, "unreadable", Location{file.relative},
                          "cannot read file: " + error->message);
    return;
  }
  SniffResult sniffed = sniff(file.absolute, file.relative, std::get<std::string>(head), file.size);
  record.kind = sniffed.kind;
  record.kind_detail = sniffed.detail;

  std::vector<const Extractor*> chosen;
  for (const auto& extractor : extractors)
    if (extractor->handles(sniffed, file.relative)) chosen.push_back(extractor.get());
  if (chosen.empty()) {
    record.skip_reason = skip_reason_for(sniffed);
    return;
  }
  bool needs_content = std::any_of(chosen.begin(), chosen.end(), [](auto* e) { return e->needs_content(); });
  std::string content;
  if (needs_content && file.size > options.max_text_bytes) {
    // Too large to hold: extractors that stream the file (datasets) still run.
    std::erase_if(chosen, [](const Extractor* extractor) { return extractor->needs_content(); });
    if (chosen.empty()) {
      record.skip_reason = "larger than the " + std::to_string(options.max_text_bytes >> 20) +
                           " MiB limit for text files (--max-file-size)";
      return;
    }
    needs_content = false;
  }
  if (needs_content) {
    auto whole = read_whole_file(file.absolute, options.max_text_bytes);
    if (auto* error = std::get_if<ReadError>(&whole)) {
      record.skip_reason = "unreadable: " + error->message;
      outcome.sink.diagnose(DiagnosticLevel::warning, "unreadable", Location{file.relative},
                            "cannot read file: " + error->message);
      return;
    }
    content = std::move(std::get<std::string>(whole));
    record.lines = count_lines(content);
  }
  FileContext context{file, sniffed, content, options.settings};
  for (const Extractor* extractor : chosen) {
    try {
      extractor->extract(context, outcome.sink);
      record.extractors.emplace_back(extractor->name());
    } catch (const std::exception& error) {
      outcome.sink.diagnose(DiagnosticLevel::error, "extractor-failed", Location{file.relative},
                            std::string(extractor->name()) + " extractor failed on this file: " + error.what());
    }
  }
  if (record.extractors.empty()) record.skip_reason = "every extractor failed on this file";
}

}  // namespace

Extraction extract_files(const WalkResult& walk, const ExtractionOptions& options) {
  auto extractors = make_extractors();
  std::vector<FileOutcome> outcomes(walk.files.size());
  std::atomic<size_t> next{0}, done{0};
  auto worker = [&] {
    while (true) {
      size_t index = next.fetch_add(1);
      if (index >= walk.files.size()) return;
      process_file(walk.files[index], extractors, options, outcomes[index]);
      size_t finished = done.fetch_add(1) + 1;
      if (options.progress) options.progress(finished, walk.files.size());
    }
  };
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(1, walk.files.size())));
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();

  Extraction extraction;
  extraction.files.reserve(outcomes.size());
  size_t fact_count = 0;
  for (auto& outcome : outcomes) fact_count += outcome.sink.facts().size();
  extraction.facts.reserve(fact_count);
  for (auto& outcome : outcomes) {
    extraction.files.push_back(std::move(outcome.record));
    for (auto& fact : outcome.sink.facts()) extraction.facts.push_back(std::move(fact));
    for (auto& diagnostic : outcome.sink.diagnostics()) extraction.diagnostics.push_back(std::move(diagnostic));
  }
  return extraction;
}

FileIndex Extraction::file_index() const {
  FileIndex index;
  index.reserve(files.size());
  for (const auto& file : files) index.push_back({file.path, is_text_kind(file.kind)});
  return index;
}

}  // namespace mlaudit
