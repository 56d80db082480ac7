#include "extract/extract_files.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
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

std::atomic<bool> threads_left_behind{false};
constexpr auto kAbandonGrace = std::chrono::seconds(2);

std::string time_limit_text(const ExtractionOptions& options);

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
                  const ExtractionOptions& options, const Deadline& deadline, FileOutcome& outcome) {
  FileRecord& record = outcome.record;
  record.path = file.relative;
  record.raw_path = file.raw_relative;
  record.size = file.size;
  if (options.scan_deadline.passed()) {
    record.skip_reason = "not analysed: the scan's time limit was reached (" +
                         limit_text("scan_seconds", options.settings.limits.scan_seconds) + ")";
    return;
  }
  // An empty file needs no read (a tree of 200,000 of them would pay an open for each).
  auto head = file.size == 0 ? std::variant<std::string, ReadError>(std::string()) : read_file_prefix(file.absolute, kSniffHeadBytes);
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
  FileContext context{file, sniffed, content, options.settings, deadline};
  for (const Extractor* extractor : chosen) {
    if (deadline.passed()) {
      outcome.sink.diagnose(DiagnosticLevel::warning, "limit", Location{file.relative},
                            std::string(extractor->name()) + " extractor not run: the file's time was used up (" +
                                time_limit_text(options) + ")");
      continue;
    }
    try {
      extractor->extract(context, outcome.sink);
      record.extractors.emplace_back(extractor->name());
    } catch (const std::exception& error) {
      outcome.sink.diagnose(DiagnosticLevel::error, "extractor-failed", Location{file.relative},
                            std::string(extractor->name()) + " extractor failed on this file: " + error.what());
    }
  }
  bool limit_said = std::any_of(outcome.sink.diagnostics().begin(), outcome.sink.diagnostics().end(),
                                [](const Diagnostic& diagnostic) { return diagnostic.code == "limit"; });
  if (deadline.passed() && !limit_said)
    outcome.sink.diagnose(DiagnosticLevel::warning, "limit", Location{file.relative},
                          "reading stopped when the file's time ran out (" + time_limit_text(options) +
                              "); what was read before the limit was analysed");
  if (record.extractors.empty() && record.skip_reason.empty()) record.skip_reason = "every extractor failed on this file";
}

// Which limit bounds a file's time: its own or what was left of the scan's.
std::string time_limit_text(const ExtractionOptions& options) {
  const ScanLimits& limits = options.settings.limits;
  if (options.scan_deadline.passed() || limits.file_seconds == 0)
    return limit_text("scan_seconds", limits.scan_seconds);
  return limit_text("file_seconds", limits.file_seconds);
}

}  // namespace

Extraction extract_files(const WalkResult& walk, const ExtractionOptions& options) {
  const size_t total = walk.files.size();
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(1, total)));
  // What the workers share lives as long as the last of them: a worker left behind in a
  // file must never touch freed memory.
  struct Worker {
    std::thread thread;
    size_t file = SIZE_MAX;                               // the file it is on, SIZE_MAX when none
    std::chrono::steady_clock::time_point give_up_at;
    bool abandoned = false;
  };
  struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::unique_ptr<FileOutcome>> outcomes;
    std::vector<std::unique_ptr<Worker>> workers;
    size_t next = 0, done = 0, total = 0;
    const std::vector<WalkedFile>* files = nullptr;     // read only under the mutex while next < total
    ExtractionOptions options;
    std::vector<std::unique_ptr<Extractor>> extractors;
  };
  auto shared = std::make_shared<Shared>();
  shared->outcomes.resize(total);
  shared->total = total;
  shared->files = &walk.files;
  shared->options = options;
  shared->extractors = make_extractors();

  auto work = [shared](Worker* self) {
    while (true) {
      WalkedFile file;
      size_t index;
      Deadline deadline;
      {
        std::lock_guard lock(shared->mutex);
        if (shared->next >= shared->total) return;
        index = shared->next++;
        file = (*shared->files)[index];
        const ScanLimits& limits = shared->options.settings.limits;
        deadline = Deadline::earlier(Deadline::after_seconds(limits.file_seconds), shared->options.scan_deadline);
        self->file = deadline.limited() ? index : SIZE_MAX;
        self->give_up_at = std::chrono::steady_clock::now() +
                           std::chrono::microseconds(std::min<uint64_t>(deadline.remaining_micros(), 1ull << 40)) +
                           kAbandonGrace;
      }
      auto outcome = std::make_unique<FileOutcome>();
      process_file(file, shared->extractors, shared->options, deadline, *outcome);
      size_t finished;
      {
        std::lock_guard lock(shared->mutex);
        if (self->abandoned) return;  // given up on: a new worker took this one's place
        self->file = SIZE_MAX;
        shared->outcomes[index] = std::move(outcome);
        finished = ++shared->done;
      }
      shared->changed.notify_all();
      if (shared->options.progress) shared->options.progress(finished, shared->total);
    }
  };
  auto start_worker = [&] {  // under the mutex, or before any worker runs
    shared->workers.push_back(std::make_unique<Worker>());
    Worker* worker = shared->workers.back().get();
    worker->thread = std::thread(work, worker);
  };
  {
    std::lock_guard lock(shared->mutex);
    for (unsigned i = 0; i < jobs; ++i) start_worker();
  }

  // The watchdog: a worker still in a file two seconds past its deadline runs an extractor
  // that does not check it. That file is reported as not analysed, the worker is left behind
  // and replaced, and the scan goes on.
  {
    std::unique_lock lock(shared->mutex);
    while (shared->done < total) {
      shared->changed.wait_for(lock, std::chrono::milliseconds(250));
      auto now = std::chrono::steady_clock::now();
      size_t count = shared->workers.size();
      for (size_t w = 0; w < count; ++w) {
        Worker& worker = *shared->workers[w];
        if (worker.abandoned || worker.file == SIZE_MAX || now < worker.give_up_at) continue;
        worker.abandoned = true;
        const WalkedFile& file = walk.files[worker.file];
        auto outcome = std::make_unique<FileOutcome>();
        outcome->record.path = file.relative;
        outcome->record.raw_path = file.raw_relative;
        outcome->record.size = file.size;
        outcome->record.skip_reason = "not analysed: an extractor did not stop when the file's time ran out (" +
                                      time_limit_text(shared->options) + ")";
        outcome->sink.diagnose(DiagnosticLevel::error, "limit", Location{file.relative}, outcome->record.skip_reason);
        shared->outcomes[worker.file] = std::move(outcome);
        ++shared->done;
        threads_left_behind = true;
        start_worker();
      }
    }
  }
  for (auto& worker : shared->workers) {
    if (worker->abandoned) worker->thread.detach();
    else worker->thread.join();
  }
  std::vector<FileOutcome> outcomes;
  {
    std::lock_guard lock(shared->mutex);
    outcomes.reserve(total);
    for (auto& outcome : shared->outcomes) outcomes.push_back(std::move(*outcome));
  }

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

bool extraction_left_threads_behind() { return threads_left_behind; }

}  // namespace mlaudit
