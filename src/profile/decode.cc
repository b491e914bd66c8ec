// Decodes profile.proto into the columnar model. Decoding follows pprof's
// reader (profile/encode.go, postDecode): packed and unpacked repeated scalars
// are both accepted, unknown fields are skipped, a label with no value is
// dropped, an unknown mapping id means "no mapping", and a second time_nanos
// means two profiles were concatenated.
//
// Samples are decoded in a second pass, once locations are known, so that a
// stack is stored as 32-bit location indices straight away: a 1M-sample
// profile has ~30M frames, and a temporary copy of 64-bit ids would cost 240 MB.

#include <algorithm>
#include <exception>
#include <optional>
#include <unordered_map>

#include <protozero/pbf_reader.hpp>

#include "profile/codec.h"
#include "profile/gzip.h"
#include "profile/legacy/legacy.h"
#include "profile/legacy/text.h"
#include "profile/perf/perf_input.h"
#include "profile/proto_format.h"
#include "profile/validate.h"
#include "util/parallel.h"

namespace cpprof {
namespace {

using protozero::pbf_reader;
using protozero::pbf_wire_type;

// kInvalid marks the errors pprof finds in CheckValid, after a successful
// decode ("malformed profile: ..."), as opposed to undecodable bytes (kError).
struct DecodeError {
  std::string message;
  Status::Code code = Status::Code::kError;
};
constexpr Status::Code kInvalid = Status::Code::kMalformed;

void Expect(const pbf_reader& r, pbf_wire_type type) {
  if (r.wire_type() != type) throw DecodeError{"type mismatch"};
}

int64_t GetInt64(pbf_reader& r) {
  Expect(r, pbf_wire_type::varint);
  return r.get_int64();
}
uint64_t GetUint64(pbf_reader& r) {
  Expect(r, pbf_wire_type::varint);
  return r.get_uint64();
}
bool GetBool(pbf_reader& r) {
  // Not r.get_bool(): protozero reads the value's first byte before checking
  // the buffer's end, which overruns on a truncated field (found by the fuzzer).
  return GetUint64(r) != 0;
}

// Calls f(value) for a repeated varint field, packed or not.
template <typename F>
void ForEachVarint(pbf_reader& r, F f) {
  if (r.wire_type() == pbf_wire_type::length_delimited) {
    for (uint64_t v : r.get_packed_uint64()) f(v);
  } else {
    f(GetUint64(r));
  }
}

// Maps proto ids to dense indices: a plain array when ids are compact (the
// usual 1..N), a hash map otherwise.
class IdIndex {
 public:
  // Returns false when the id is a duplicate.
  bool Build(const std::vector<uint64_t>& ids) {
    uint64_t max_id = 0;
    for (uint64_t id : ids) max_id = std::max(max_id, id);
    dense_ = max_id <= ids.size() * 4 + 1024;
    if (dense_) {
      table_.assign(max_id + 1, kNone);
      for (size_t i = 0; i < ids.size(); ++i) {
        if (table_[ids[i]] != kNone) return false;
        table_[ids[i]] = static_cast<uint32_t>(i);
      }
    } else {
      map_.reserve(ids.size());
      for (size_t i = 0; i < ids.size(); ++i) {
        if (!map_.emplace(ids[i], static_cast<uint32_t>(i)).second) return false;
      }
    }
    return true;
  }
  uint32_t Find(uint64_t id) const {
    if (dense_) return id < table_.size() ? table_[id] : kNone;
    auto it = map_.find(id);
    return it == map_.end() ? kNone : it->second;
  }

 private:
  bool dense_ = true;
  std::vector<uint32_t> table_;
  std::unordered_map<uint64_t, uint32_t> map_;
};

struct RawLocation {
  uint64_t mapping_id = 0;
};

class Decoder {
 public:
  explicit Decoder(Profile& p) : p_(p) {}

  void Run(std::string_view data) {
    // Offsets are 32-bit, as are the model's indices.
    if (data.size() > std::numeric_limits<uint32_t>::max()) throw DecodeError{"profile larger than 4 GiB"};
    data_ = data;
    // A sample field takes at least 2 bytes. Reserving for that many only
    // maps address space; pages are touched as samples are found (1M
    // samples: 8 MB, where growing a vector of views touched 32 MB).
    sample_spans_.reserve(data.size() / 2);
    pbf_reader r(data.data(), data.size());
    while (r.next()) DecodeTopLevelField(r);
    BuildStrings();
    ResolveStrings();
    ResolveReferences();
    DecodeSamples();
  }

 private:
  void DecodeTopLevelField(pbf_reader& r) {
    switch (r.tag()) {
      case proto::kSampleType: p_.sample_types.push_back(DecodeValueType(r)); break;
      case proto::kSample:
        Expect(r, pbf_wire_type::length_delimited);
        {
          auto v = r.get_view();
          sample_spans_.push_back({static_cast<uint32_t>(v.data() - data_.data()), static_cast<uint32_t>(v.size())});
        }
        break;
      case proto::kMapping: DecodeMapping(r); break;
      case proto::kLocation: DecodeLocation(r); break;
      case proto::kFunction: DecodeFunction(r); break;
      case proto::kStringTable:
        Expect(r, pbf_wire_type::length_delimited);
        {
          auto v = r.get_view();
          raw_strings_.emplace_back(v.data(), v.size());
        }
        break;
      case proto::kDropFrames: p_.drop_frames = RawStr(GetInt64(r)); break;
      case proto::kKeepFrames: p_.keep_frames = RawStr(GetInt64(r)); break;
      case proto::kTimeNanos:
        if (p_.time_nanos != 0) throw DecodeError{"concatenated profiles detected", Status::Code::kConcatenated};
        p_.time_nanos = GetInt64(r);
        break;
      case proto::kDurationNanos: p_.duration_nanos = GetInt64(r); break;
      case proto::kPeriodType: p_.period_type = DecodeValueType(r); break;
      case proto::kPeriod: p_.period = GetInt64(r); break;
      case proto::kComment:
        ForEachVarint(r, [&](uint64_t v) { p_.comments.push_back(RawStr(static_cast<int64_t>(v))); });
        break;
      case proto::kDefaultSampleType: p_.default_sample_type = RawStr(GetInt64(r)); break;
      case proto::kDocUrl: p_.doc_url = RawStr(GetInt64(r)); break;
      default: r.skip();
    }
  }

  // String indices are stored raw while decoding and mapped to interned ids
  // once the table is known; an index outside the table is malformed.
  StrId RawStr(int64_t index) {
    if (index < 0 || index > std::numeric_limits<int32_t>::max()) bad_string_ = true;
    return static_cast<StrId>(index);
  }

  ValueType DecodeValueType(pbf_reader& r) {
    Expect(r, pbf_wire_type::length_delimited);
    pbf_reader m = r.get_message();
    ValueType vt;
    while (m.next()) {
      switch (m.tag()) {
        case proto::kVtType: vt.type = RawStr(GetInt64(m)); break;
        case proto::kVtUnit: vt.unit = RawStr(GetInt64(m)); break;
        default: m.skip();
      }
    }
    return vt;
  }

  void DecodeMapping(pbf_reader& r) {
    Expect(r, pbf_wire_type::length_delimited);
    pbf_reader m = r.get_message();
    Mapping mp;
    while (m.next()) {
      switch (m.tag()) {
        case proto::kMappingId: mp.id = GetUint64(m); break;
        case proto::kMappingStart: mp.start = GetUint64(m); break;
        case proto::kMappingLimit: mp.limit = GetUint64(m); break;
        case proto::kMappingOffset: mp.offset = GetUint64(m); break;
        case proto::kMappingFilename: mp.file = RawStr(GetInt64(m)); break;
        case proto::kMappingBuildId: mp.build_id = RawStr(GetInt64(m)); break;
        case proto::kMappingHasFunctions: mp.has_functions = GetBool(m); break;
        case proto::kMappingHasFilenames: mp.has_filenames = GetBool(m); break;
        case proto::kMappingHasLineNumbers: mp.has_line_numbers = GetBool(m); break;
        case proto::kMappingHasInlineFrames: mp.has_inline_frames = GetBool(m); break;
        default: m.skip();
      }
    }
    p_.mappings.push_back(mp);
  }

  void DecodeLocation(pbf_reader& r) {
    Expect(r, pbf_wire_type::length_delimited);
    pbf_reader m = r.get_message();
    Location loc;
    RawLocation raw;
    loc.line_begin = static_cast<uint32_t>(p_.lines.size());
    while (m.next()) {
      switch (m.tag()) {
        case proto::kLocationId: loc.id = GetUint64(m); break;
        case proto::kLocationMappingId: raw.mapping_id = GetUint64(m); break;
        case proto::kLocationAddress: loc.address = GetUint64(m); break;
        case proto::kLocationLine: {
          Expect(m, pbf_wire_type::length_delimited);
          pbf_reader lm = m.get_message();
          Line line;
          uint64_t function_id = 0;
          while (lm.next()) {
            switch (lm.tag()) {
              case proto::kLineFunctionId: function_id = GetUint64(lm); break;
              case proto::kLineLine: line.line = GetInt64(lm); break;
              case proto::kLineColumn: line.column = GetInt64(lm); break;
              default: lm.skip();
            }
          }
          line_function_ids_.push_back(function_id);
          p_.lines.push_back(line);
          ++loc.line_count;
          break;
        }
        case proto::kLocationIsFolded: loc.is_folded = GetBool(m); break;
        default: m.skip();
      }
    }
    p_.locations.push_back(loc);
    raw_locations_.push_back(raw);
  }

  void DecodeFunction(pbf_reader& r) {
    Expect(r, pbf_wire_type::length_delimited);
    pbf_reader m = r.get_message();
    Function f;
    while (m.next()) {
      switch (m.tag()) {
        case proto::kFunctionId: f.id = GetUint64(m); break;
        case proto::kFunctionName: f.name = RawStr(GetInt64(m)); break;
        case proto::kFunctionSystemName: f.system_name = RawStr(GetInt64(m)); break;
        case proto::kFunctionFilename: f.filename = RawStr(GetInt64(m)); break;
        case proto::kFunctionStartLine: f.start_line = GetInt64(m); break;
        default: m.skip();
      }
    }
    p_.functions.push_back(f);
  }

  void BuildStrings() {
    if (raw_strings_.empty() || !raw_strings_[0].empty()) {
      throw DecodeError{"string_table[0] must be ''"};
    }
    size_t bytes = 0;
    for (std::string_view raw : raw_strings_) bytes += raw.size();
    p_.strings.Reserve(raw_strings_.size(), bytes);
    string_ids_.resize(raw_strings_.size());
    for (size_t i = 0; i < raw_strings_.size(); ++i) string_ids_[i] = p_.strings.Intern(raw_strings_[i]);
  }

  StrId Str(StrId raw) const {
    if (raw >= string_ids_.size()) throw DecodeError{"malformed profile format"};
    return string_ids_[raw];
  }

  void ResolveStrings() {
    if (bad_string_) throw DecodeError{"malformed profile format"};
    for (ValueType& vt : p_.sample_types) vt = {Str(vt.type), Str(vt.unit)};
    p_.period_type = {Str(p_.period_type.type), Str(p_.period_type.unit)};
    for (Mapping& m : p_.mappings) {
      m.file = Str(m.file);
      m.build_id = Str(m.build_id);
    }
    for (Function& f : p_.functions) {
      f.name = Str(f.name);
      f.system_name = Str(f.system_name);
      f.filename = Str(f.filename);
    }
    for (StrId& c : p_.comments) c = Str(c);
    p_.drop_frames = Str(p_.drop_frames);
    p_.keep_frames = Str(p_.keep_frames);
    p_.default_sample_type = Str(p_.default_sample_type);
    p_.doc_url = Str(p_.doc_url);
  }

  // Builds the id indices, reporting the errors CheckValid would.
  void ResolveReferences() {
    std::vector<uint64_t> ids;
    auto build = [&](auto& table, IdIndex& index, const char* what, const char* zero_msg) {
      ids.clear();
      for (const auto& e : table) {
        if (e.id == 0) throw DecodeError{zero_msg, kInvalid};
        ids.push_back(e.id);
      }
      if (!index.Build(ids)) {
        // Find the duplicate for the message.
        std::unordered_map<uint64_t, int> seen;
        for (uint64_t id : ids) {
          if (seen[id]++)
            throw DecodeError{std::string("multiple ") + what + " with same id: " + std::to_string(id), kInvalid};
        }
      }
    };
    build(p_.mappings, mappings_, "mappings", "found mapping with reserved ID=0");
    build(p_.functions, functions_, "functions", "found function with reserved ID=0");
    build(p_.locations, locations_, "locations", "found location with reserved id=0");
    for (size_t i = 0; i < p_.locations.size(); ++i) {
      Location& loc = p_.locations[i];
      uint64_t mid = raw_locations_[i].mapping_id;
      loc.mapping = mid == 0 ? kNone : mappings_.Find(mid);
      for (uint32_t l = loc.line_begin; l < loc.line_begin + loc.line_count; ++l) {
        uint64_t fid = line_function_ids_[l];
        uint32_t f = fid == 0 ? kNone : functions_.Find(fid);
        if (f == kNone) {
          throw DecodeError{"location id: " + std::to_string(loc.id) + " has a line with nil function", kInvalid};
        }
        p_.lines[l].function = f;
      }
    }
  }

  // One thread's share of the sample pools: the counting pass sizes it, the
  // decoding pass fills it.
  struct SampleSlice {
    size_t stack_pos = 0, stack_end = 0;
    size_t label_pos = 0, label_end = 0;
    std::vector<int64_t> values;  // scratch for one sample's values
    std::exception_ptr error;
  };

  // Decodes the samples on all cores, writing each thread's samples into
  // its own slices of the pools (31M frames in ~1M samples on the benchmark
  // profile). A first pass counts frames and labels per range; packed
  // location ids are counted by their final varint bytes. The first error in
  // sample order wins, as in a sequential decode.
  void DecodeSamples() {
    size_t count = sample_spans_.size();
    std::vector<SampleSlice> slices(RangeCount(count));
    ForRanges(count, [&](size_t r, size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) CountSample(SampleBytes(i), slices[r]);
    });
    size_t stacks = 0, labels = 0;
    for (SampleSlice& slice : slices) {
      slice.stack_pos = stacks;
      stacks = slice.stack_end += stacks;
      slice.label_pos = labels;
      labels = slice.label_end += labels;
    }
    p_.stacks.resize(stacks);
    p_.labels.resize(labels);
    p_.samples.resize(count);
    p_.values.resize(count * p_.num_types());
    ForRanges(count, [&](size_t r, size_t begin, size_t end) {
      try {
        for (size_t i = begin; i < end; ++i) DecodeSample(i, slices[r]);
      } catch (...) {
        slices[r].error = std::current_exception();
      }
    });
    for (const SampleSlice& slice : slices) {
      if (slice.error) std::rethrow_exception(slice.error);
    }
  }

  static void CountSample(std::string_view data, SampleSlice& slice) {
    pbf_reader m(data.data(), data.size());
    while (m.next()) {
      if (m.tag() == proto::kSampleLabel) {
        ++slice.label_end;
      } else if (m.tag() == proto::kSampleLocationId && m.wire_type() == pbf_wire_type::length_delimited) {
        protozero::data_view ids = m.get_view();
        for (size_t i = 0; i < ids.size(); ++i)
          slice.stack_end += (static_cast<unsigned char>(ids.data()[i]) & 0x80) == 0;
        continue;
      } else if (m.tag() == proto::kSampleLocationId) {
        ++slice.stack_end;
      }
      m.skip();
    }
  }

  void DecodeSample(size_t index, SampleSlice& slice) const {
    std::string_view data = SampleBytes(index);
    pbf_reader m(data.data(), data.size());
    Sample s;
    s.stack_begin = static_cast<uint32_t>(slice.stack_pos);
    s.label_begin = static_cast<uint32_t>(slice.label_pos);
    slice.values.clear();
    bool missing_location = false;
    while (m.next()) {
      switch (m.tag()) {
        case proto::kSampleLocationId:
          if (m.wire_type() == pbf_wire_type::length_delimited) {
            protozero::data_view ids = m.get_view();
            DecodeLocationIds({ids.data(), ids.size()}, slice, missing_location);
            break;
          }
          ForEachVarint(m, [&](uint64_t id) {
            uint32_t loc = locations_.Find(id);
            missing_location |= loc == kNone;
            if (slice.stack_pos == slice.stack_end) throw DecodeError{"malformed sample", kInvalid};
            p_.stacks[slice.stack_pos++] = loc;
          });
          break;
        case proto::kSampleValue:
          ForEachVarint(m, [&](uint64_t v) { slice.values.push_back(static_cast<int64_t>(v)); });
          break;
        case proto::kSampleLabel:
          if (std::optional<Label> l = DecodeLabel(m)) {
            if (slice.label_pos == slice.label_end) throw DecodeError{"malformed sample", kInvalid};
            p_.labels[slice.label_pos++] = *l;
          }
          break;
        default: m.skip();
      }
    }
    size_t n = p_.num_types();
    if (slice.values.size() != n) {
      if (n == 0) throw DecodeError{"missing sample type information", kInvalid};
      throw DecodeError{
          "mismatch: sample has " + std::to_string(slice.values.size()) + " values vs. " + std::to_string(n) + " types",
          kInvalid};
    }
    if (missing_location) throw DecodeError{"sample has nil location", kInvalid};
    std::copy(slice.values.begin(), slice.values.end(), p_.values.begin() + static_cast<ptrdiff_t>(index * n));
    s.stack_size = static_cast<uint32_t>(slice.stack_pos - s.stack_begin);
    s.label_count = static_cast<uint32_t>(slice.label_pos - s.label_begin);
    CanonicalizeLabels(s);
    p_.samples[index] = s;
  }

  // A packed run of location ids, decoded straight into the sample's slice
  // of the stack pool. 31M frames on the benchmark profile: protozero's
  // iterator, a call and two bounds checks a byte, took 54 instructions a
  // frame; this loop's fast path is for ids of up to 3 bytes (2M locations).
  void DecodeLocationIds(std::string_view packed, SampleSlice& slice, bool& missing) const {
    const auto* in = reinterpret_cast<const uint8_t*>(packed.data());
    const auto* in_end = in + packed.size();
    uint32_t* out = p_.stacks.data() + slice.stack_pos;
    uint32_t* const out_end = p_.stacks.data() + slice.stack_end;
    while (in != in_end) {
      uint64_t id;
      const bool room = in_end - in >= 3;  // the fast paths read three bytes
      if (room && (in[0] & 0x80) == 0) {
        id = in[0];
        in += 1;
      } else if (room && (in[1] & 0x80) == 0) {
        id = (in[0] & 0x7f) | (uint64_t{in[1]} << 7);
        in += 2;
      } else if (room && (in[2] & 0x80) == 0) {
        id = (in[0] & 0x7f) | (uint64_t{in[1] & 0x7fu} << 7) | (uint64_t{in[2]} << 14);
        in += 3;
      } else {
        const char* p = reinterpret_cast<const char*>(in);
        id = protozero::decode_varint(&p, reinterpret_cast<const char*>(in_end));  // throws when truncated
        in = reinterpret_cast<const uint8_t*>(p);
      }
      if (out == out_end) throw DecodeError{"malformed sample", kInvalid};
      uint32_t loc = locations_.Find(id);
      missing |= loc == kNone;
      *out++ = loc;
    }
    slice.stack_pos = static_cast<size_t>(out - p_.stacks.data());
  }

  // A label, or nothing for one pprof drops. Runs on decoding threads, so it
  // only reads decoder state.
  std::optional<Label> DecodeLabel(pbf_reader& r) const {
    Expect(r, pbf_wire_type::length_delimited);
    pbf_reader m = r.get_message();
    Label l;
    auto str = [&] {
      int64_t index = GetInt64(m);
      if (index < 0 || static_cast<uint64_t>(index) >= string_ids_.size()) {
        throw DecodeError{"malformed profile format"};
      }
      return string_ids_[index];
    };
    while (m.next()) {
      switch (m.tag()) {
        case proto::kLabelKey: l.key = str(); break;
        case proto::kLabelStr: l.str = str(); break;
        case proto::kLabelNum: l.num = GetInt64(m); break;
        case proto::kLabelNumUnit: l.num_unit = str(); break;
        default: m.skip();
      }
    }
    // Interned id 0 is "" as raw index 0 is; a label with an empty-string value
    // and no number carries nothing and pprof drops it.
    if (l.str != 0) {
      l.num = 0;
      l.num_unit = 0;
    } else if (l.num == 0 && l.num_unit == 0) {
      return std::nullopt;
    }
    return l;
  }

  void CanonicalizeLabels(const Sample& s) const {
    if (s.label_count < 2) return;
    auto begin = p_.labels.begin() + s.label_begin;
    std::stable_sort(begin, begin + s.label_count, [&](const Label& a, const Label& b) {
      if (a.is_string() != b.is_string()) return a.is_string();
      return a.key != b.key && p_.str(a.key) < p_.str(b.key);
    });
  }

  Profile& p_;
  Column<std::string_view> raw_strings_;
  std::vector<StrId> string_ids_;
  struct Span {
    uint32_t offset, size;
  };
  std::string_view SampleBytes(size_t i) const { return data_.substr(sample_spans_[i].offset, sample_spans_[i].size); }

  std::string_view data_;
  Column<Span> sample_spans_;  // each sample's bytes in data_
  Column<RawLocation> raw_locations_;
  Column<uint64_t> line_function_ids_;
  IdIndex mappings_, functions_, locations_;
  bool bad_string_ = false;
};

}  // namespace

Result<Profile> DecodeProfile(std::string_view data) {
  if (data.empty()) return Status::NoData("empty input file");
  Profile p;
  try {
    Decoder(p).Run(data);
  } catch (const DecodeError& e) {
    switch (e.code) {
      case kInvalid: return Status::Malformed("malformed profile: " + e.message);
      case Status::Code::kConcatenated: return Status::Concatenated(e.message);
      default: return Status::Error(e.message);
    }
  } catch (const protozero::exception& e) {
    return Status::Error(std::string("malformed protobuf: ") + e.what());
  } catch (const std::bad_alloc&) {
    return Status::Error("out of memory");
  }
  return p;
}

namespace {

// perf's text outputs, tried when no pprof format matched.
Result<Profile> ParsePerfText(std::string_view bytes) {
  if (perf::IsPerfScript(bytes)) return perf::ParsePerfScript(bytes);
  if (perf::IsFolded(bytes)) return perf::ParseFolded(bytes);
  return legacy::Unrecognized();
}

// ParseProfile after inflating.
Result<Profile> ParseUncompressed(std::string_view bytes, const perf::UserStackUnwinder* unwinder) {
  // pprof finds perf.data by its magic (and converts it with perf_to_profile).
  Result<Profile> p = perf::IsPerfData(bytes) ? perf::ParsePerfData(bytes, unwinder) : DecodeProfile(bytes);
  if (!p.ok() && perf::IsPerfData(bytes)) return p.status().WithContext("parsing profile");
  if (!p.ok()) {
    const Status status = p.status();
    if (status.IsMalformed()) return status;
    // pprof's profile.go:194: any error but its sentinels means "not a protobuf",
    // and pprof goes on to its legacy text and binary formats.
    if (status.code() != Status::Code::kNoData && status.code() != Status::Code::kConcatenated) {
      p = ParseLegacyProfile(bytes);
      if (p.status().IsUnrecognized()) p = ParsePerfText(bytes);
    }
    if (!p.ok()) return p.status().WithContext("parsing profile");
  }
  Status valid = CheckValid(*p);
  if (!valid.ok()) return valid.WithContext("malformed profile");
  return p;
}

}  // namespace

Result<Profile> ParseProfile(std::string_view bytes, const perf::UserStackUnwinder* unwinder) {
  return ParseProfile(Bytes(bytes.begin(), bytes.end()), unwinder);
}

Result<Profile> ParseProfile(Bytes bytes, const perf::UserStackUnwinder* unwinder) {
  if (IsGzip(View(bytes))) {
    Result<Bytes> r = Gunzip(View(bytes));
    if (!r.ok()) return r.status().WithContext("decompressing profile");
    bytes = std::move(r).value();  // frees the compressed bytes before decoding allocates
  }
  return ParseUncompressed(View(bytes), unwinder);
}

}  // namespace cpprof
