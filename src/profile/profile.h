// Package profile: the in-memory form of a profile.proto, decoded once into
// flat, interned, columnar arrays. Every other stage (graph, report, driver,
// runtime) reads and edits this model; nothing re-parses the file.
//
// References between tables are dense indices (uint32), not proto ids; the ids
// are kept only to be written back. Sample stacks and labels are slices of
// shared pools, so a filter that trims a stack only moves two integers.
#ifndef CPPROF_PROFILE_PROFILE_H_
#define CPPROF_PROFILE_PROFILE_H_

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "profile/column.h"
#include "profile/string_table.h"

namespace cpprof {

inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

struct ValueType {
  StrId type = 0;
  StrId unit = 0;
};

// A label is a string label when str != 0, else a numeric one. Within a
// sample, labels are kept in pprof's canonical order: string labels grouped by
// key in key order, then numeric labels grouped by key in key order, values in
// the order they came. pprof's own encoder writes that order, and every pprof
// report sorts by key, so the order is part of the model's meaning.
struct Label {
  StrId key = 0;
  StrId str = 0;
  int64_t num = 0;
  StrId num_unit = 0;
  bool is_string() const { return str != 0; }
};

struct Mapping {
  uint64_t id = 0;
  uint64_t start = 0;
  uint64_t limit = 0;
  uint64_t offset = 0;
  StrId file = 0;
  StrId build_id = 0;
  bool has_functions = false;
  bool has_filenames = false;
  bool has_line_numbers = false;
  bool has_inline_frames = false;
};

struct Function {
  uint64_t id = 0;
  StrId name = 0;
  StrId system_name = 0;
  StrId filename = 0;
  int64_t start_line = 0;
};

struct Line {
  uint32_t function = kNone;  // index into Profile::functions
  int64_t line = 0;
  int64_t column = 0;
};

// A location's lines are lines[line_begin, line_begin + line_count): the
// innermost inlined callee first, the physical caller last.
struct Location {
  uint64_t id = 0;
  uint32_t mapping = kNone;  // index into Profile::mappings
  uint64_t address = 0;
  uint32_t line_begin = 0;
  uint32_t line_count = 0;
  bool is_folded = false;
};

// A sample's stack is stacks[stack_begin, stack_begin + stack_size), leaf
// first; its values are values[i * sample_types.size() ...].
struct Sample {
  uint32_t stack_begin = 0;
  uint32_t stack_size = 0;
  uint32_t label_begin = 0;
  uint32_t label_count = 0;
};

struct Profile {
  StringTable strings;
  std::vector<ValueType> sample_types;
  Column<Sample> samples;
  Column<int64_t> values;
  Column<uint32_t> stacks;  // location indices
  Column<Label> labels;
  std::vector<Mapping> mappings;
  Column<Location> locations;
  Column<Line> lines;
  Column<Function> functions;
  StrId drop_frames = 0;
  StrId keep_frames = 0;
  int64_t time_nanos = 0;
  int64_t duration_nanos = 0;
  ValueType period_type;
  int64_t period = 0;
  std::vector<StrId> comments;
  StrId default_sample_type = 0;
  StrId doc_url = 0;

  std::string_view str(StrId id) const { return strings.Get(id); }
  size_t num_types() const { return sample_types.size(); }

  std::span<const uint32_t> stack(const Sample& s) const { return {stacks.data() + s.stack_begin, s.stack_size}; }
  std::span<uint32_t> stack(const Sample& s) { return {stacks.data() + s.stack_begin, s.stack_size}; }
  std::span<const Label> labels_of(const Sample& s) const { return {labels.data() + s.label_begin, s.label_count}; }
  std::span<const int64_t> values_of(size_t sample) const {
    return {values.data() + sample * num_types(), num_types()};
  }
  std::span<int64_t> values_of(size_t sample) { return {values.data() + sample * num_types(), num_types()}; }
  std::span<const Line> lines_of(const Location& l) const { return {lines.data() + l.line_begin, l.line_count}; }
  std::span<Line> lines_of(const Location& l) { return {lines.data() + l.line_begin, l.line_count}; }

  // Keeps the samples for which keep(index) is true, compacting values too.
  template <typename Keep>
  void RetainSamples(Keep keep) {
    size_t n = num_types(), out = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      if (!keep(i)) continue;
      if (out != i) {
        samples[out] = samples[i];
        for (size_t k = 0; k < n; ++k) values[out * n + k] = values[i * n + k];
      }
      ++out;
    }
    samples.resize(out);
    values.resize(out * n);
  }

  // The string value of the first label `key` of a sample, or false.
  bool HasLabel(const Sample& s, StrId key, StrId value) const;
  // True when the sample came from a -diff_base profile.
  bool IsDiffBaseSample(const Sample& s) const;
};

}  // namespace cpprof

#endif  // CPPROF_PROFILE_PROFILE_H_
