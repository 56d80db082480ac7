#include "extract/notebook/notebook_reader.h"

#include <nlohmann/json.hpp>

#include <iterator>

#include "util/text.h"

namespace mlaudit {
namespace {

// A character iterator that counts the newlines it has moved past. The SAX parser
// reports a string right after reading its closing quote, so the count then is the
// string's line (JSON strings cannot hold raw newlines).
struct LineCountingIterator {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* at = nullptr;
  uint32_t* newlines = nullptr;

  reference operator*() const { return *at; }
  LineCountingIterator& operator++() {
    if (*at == '\n') ++*newlines;
    ++at;
    return *this;
  }
  LineCountingIterator operator++(int) {
    auto copy = *this;
    ++*this;
    return copy;
  }
  bool operator==(const LineCountingIterator& other) const { return at == other.at; }
  bool operator!=(const LineCountingIterator& other) const { return at != other.at; }
};

class NotebookSax : public nlohmann::json_sax<nlohmann::ordered_json> {
 public:
  explicit NotebookSax(const uint32_t& newlines) : newlines_(newlines) {}

  Notebook notebook;
  std::string error;

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }

  bool string(string_t& value) override {
    uint32_t line = newlines_ + 1;
    const std::string key = current_key();
    // cells/<i>/source[/<j>]
    if (in_cell() && (path_at(2) == "source")) {
      for (auto piece : split(value, '\n')) current_cell().source.push_back({std::string(piece), line});
      if (!value.empty() && value.back() == '\n') current_cell().source.pop_back();
    } else if (in_cell() && path_at(2) == "cell_type" && depth() == 3) {
      current_cell().type = value;
    } else if (in_cell() && path_at(2) == "outputs" &&
               (path_at(4) == "text" || path_at(4) == "traceback" || path_at(4) == "evalue" ||
                (path_at(4) == "data" && path_at(5) == "text/plain"))) {
      for (auto piece : split(value, '\n'))
        if (!piece.empty()) current_cell().outputs.push_back({std::string(piece), line});
    } else if (path_at(0) == "metadata" && (key == "language" || (key == "name" && path_at(1) == "language_info"))) {
      if (notebook.language.empty()) notebook.language = to_lower(value);
    }
    return scalar();
  }

  bool start_object(std::size_t) override {
    open(false);
    if (depth() == 3 && path_at(0) == "cells" && frames_[1].array) notebook.cells.emplace_back();
    return true;
  }
  bool key(string_t& value) override {
    frames_.back().key = value;
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override {
    open(true);
    return true;
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& exception) override {
    error = "malformed JSON near byte " + std::to_string(position) + " (line " + std::to_string(newlines_ + 1) +
            "): " + exception.what();
    return false;
  }

 private:
  struct Frame {
    bool array = false;
    std::string key;
    size_t index = 0;
  };

  size_t depth() const { return frames_.size(); }
  // Name of the step at `level` along the current path: keys for objects, indices for arrays.
  std::string path_at(size_t level) const {
    if (level >= frames_.size()) return {};
    const auto& frame = frames_[level];
    return frame.array ? std::to_string(frame.index) : frame.key;
  }
  std::string current_key() const { return frames_.empty() || frames_.back().array ? std::string() : frames_.back().key; }
  bool in_cell() const { return frames_.size() >= 3 && path_at(0) == "cells" && !notebook.cells.empty(); }
  NotebookCell& current_cell() { return notebook.cells.back(); }

  void open(bool array) {
    frames_.push_back({array, {}, 0});
  }
  bool close() {
    frames_.pop_back();
    return scalar();
  }
  // A value ended: advance the index of the enclosing array.
  bool scalar() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return true;
  }

  const uint32_t& newlines_;
  std::vector<Frame> frames_;
};

}  // namespace

std::optional<Notebook> read_notebook(std::string_view json_text, NotebookError& error) {
  uint32_t newlines = 0;
  NotebookSax sax(newlines);
  LineCountingIterator begin{json_text.data(), &newlines}, end{json_text.data() + json_text.size(), &newlines};
  bool ok = nlohmann::ordered_json::sax_parse(begin, end, &sax, nlohmann::ordered_json::input_format_t::json, true, true);
  if (!ok) {
    error.message = sax.error.empty() ? "malformed JSON" : sax.error;
    return std::nullopt;
  }
  return std::move(sax.notebook);
}

}  // namespace mlaudit
