#include "report/tab_writer.h"

namespace cpprof {
namespace {

size_t Runes(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

void TabWriter::Write(const std::string& text) { pending_ += text; }

std::string TabWriter::Flush() {
  // Split into lines of cells; the text after a line's last tab is its last cell.
  size_t start = 0;
  while (start < pending_.size()) {
    size_t end = pending_.find('\n', start);
    bool has_newline = end != std::string::npos;
    if (!has_newline) end = pending_.size();
    std::vector<std::string> cells;
    size_t c = start;
    for (size_t tab; (tab = pending_.find('\t', c)) != std::string::npos && tab < end; c = tab + 1) {
      cells.push_back(pending_.substr(c, tab - c));
    }
    cells.push_back(pending_.substr(c, end - c));
    lines_.push_back(std::move(cells));
    start = end + 1;
  }
  Format(0, lines_.size());
  std::string out = std::move(out_);
  lines_.clear();
  pending_.clear();
  out_.clear();
  return out;
}

void TabWriter::Format(size_t line0, size_t line1) {
  size_t column = widths_.size();
  for (size_t i = line0; i < line1; ++i) {
    if (column + 1 >= lines_[i].size()) continue;
    WriteLines(line0, i);
    line0 = i;
    size_t width = 0;
    for (; i < line1 && column + 1 < lines_[i].size(); ++i) width = std::max(width, Runes(lines_[i][column]) + 1);
    widths_.push_back(width);
    Format(line0, i);
    widths_.pop_back();
    line0 = i;
    if (i == line1) break;
    --i;  // re-examine line i at this column
  }
  WriteLines(line0, line1);
}

void TabWriter::WriteLines(size_t line0, size_t line1) {
  for (size_t i = line0; i < line1; ++i) {
    const auto& cells = lines_[i];
    for (size_t j = 0; j < cells.size(); ++j) {
      if (j < widths_.size()) out_.append(widths_[j] - Runes(cells[j]), ' ');
      out_ += cells[j];
    }
    out_ += '\n';
  }
}

}  // namespace cpprof
