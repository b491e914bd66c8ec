// Encodes the model as profile.proto. Only the strings still referenced are
// written, numbered in first-use order as pprof's encoder numbers them.

#include <protozero/pbf_writer.hpp>

#include <type_traits>
#include <vector>

#include "profile/codec.h"
#include "profile/gzip.h"
#include "profile/proto_format.h"

namespace cpprof {
namespace {

class Encoder {
 public:
  explicit Encoder(const Profile& p) : p_(p), remap_(p.strings.size(), kNone) { NumberStrings(); }

  std::string Run() {
    std::string out;
    protozero::pbf_writer w(out);
    for (const ValueType& vt : p_.sample_types) WriteValueType(w, proto::kSampleType, vt);
    WriteSamples(w);
    for (const Mapping& m : p_.mappings) WriteMapping(w, m);
    for (const Location& l : p_.locations) WriteLocation(w, l);
    for (const Function& f : p_.functions) WriteFunction(w, f);
    for (StrId id : order_) {
      auto s = p_.str(id);
      w.add_string(proto::kStringTable, s.data(), s.size());
    }
    WriteOpt(w, proto::kDropFrames, S(p_.drop_frames));
    WriteOpt(w, proto::kKeepFrames, S(p_.keep_frames));
    WriteOpt(w, proto::kTimeNanos, p_.time_nanos);
    WriteOpt(w, proto::kDurationNanos, p_.duration_nanos);
    if (p_.period_type.type != 0 || p_.period_type.unit != 0) {
      WriteValueType(w, proto::kPeriodType, p_.period_type);
    }
    WriteOpt(w, proto::kPeriod, p_.period);
    std::vector<int64_t> comments;
    for (StrId id : p_.comments) comments.push_back(S(id));
    WriteRepeated<protozero::packed_field_int64>(w, proto::kComment, comments);
    // pprof writes default_sample_type even when it is 0.
    w.add_int64(proto::kDefaultSampleType, S(p_.default_sample_type));
    WriteOpt(w, proto::kDocUrl, S(p_.doc_url));
    return out;
  }

 private:
  void Use(StrId id) {
    if (remap_[id] == kNone) {
      remap_[id] = static_cast<uint32_t>(order_.size());
      order_.push_back(id);
    }
  }
  int64_t S(StrId id) const { return remap_[id]; }

  void NumberStrings() {
    Use(0);
    for (const ValueType& vt : p_.sample_types) {
      Use(vt.type);
      Use(vt.unit);
    }
    for (const Label& l : p_.labels) {
      Use(l.key);
      Use(l.str);
      Use(l.num_unit);
    }
    for (const Mapping& m : p_.mappings) {
      Use(m.file);
      Use(m.build_id);
    }
    for (const Function& f : p_.functions) {
      Use(f.name);
      Use(f.system_name);
      Use(f.filename);
    }
    Use(p_.drop_frames);
    Use(p_.keep_frames);
    Use(p_.period_type.type);
    Use(p_.period_type.unit);
    for (StrId c : p_.comments) Use(c);
    Use(p_.default_sample_type);
    Use(p_.doc_url);
  }

  static void WriteOpt(protozero::pbf_writer& w, uint32_t field, int64_t v) {
    if (v != 0) w.add_int64(field, v);
  }
  static void WriteOptU(protozero::pbf_writer& w, uint32_t field, uint64_t v) {
    if (v != 0) w.add_uint64(field, v);
  }
  static void WriteOptB(protozero::pbf_writer& w, uint32_t field, bool v) {
    if (v) w.add_bool(field, v);
  }

  // protozero drops a nested message that stays empty; pprof writes it (a
  // ValueType of two empty strings is still a sample type, found by the
  // fuzzer), so that one is written as an explicit zero-length field.
  void WriteValueType(protozero::pbf_writer& w, uint32_t field, const ValueType& vt) {
    // protozero drops a submessage that stays empty; pprof writes it.
    if (S(vt.type) == 0 && S(vt.unit) == 0) return w.add_message(field, "", 0);
    protozero::pbf_writer m(w, field);
    WriteOpt(m, proto::kVtType, S(vt.type));
    WriteOpt(m, proto::kVtUnit, S(vt.unit));
  }

  // pprof packs repeated numbers only when there are more than 2 of them.
  template <typename Packed, typename Range>
  static void WriteRepeated(protozero::pbf_writer& w, uint32_t field, const Range& values) {
    if (values.size() > 2) {
      Packed packed(w, field);
      for (auto v : values) packed.add_element(v);
      return;
    }
    for (auto v : values) {
      if constexpr (std::is_same_v<Packed, protozero::packed_field_uint64>) {
        w.add_uint64(field, v);
      } else {
        w.add_int64(field, v);
      }
    }
  }

  void WriteSamples(protozero::pbf_writer& w) {
    std::vector<uint64_t> ids;
    for (size_t i = 0; i < p_.samples.size(); ++i) {
      const Sample& s = p_.samples[i];
      protozero::pbf_writer m(w, proto::kSample);
      ids.clear();
      for (uint32_t loc : p_.stack(s)) ids.push_back(p_.locations[loc].id);
      WriteRepeated<protozero::packed_field_uint64>(m, proto::kSampleLocationId, ids);
      WriteRepeated<protozero::packed_field_int64>(m, proto::kSampleValue, p_.values_of(i));
      for (const Label& l : p_.labels_of(s)) {
        if (S(l.key) == 0 && S(l.str) == 0 && l.num == 0 && S(l.num_unit) == 0) {
          m.add_message(proto::kSampleLabel, "", 0);  // kept, as for value types
          continue;
        }
        protozero::pbf_writer lm(m, proto::kSampleLabel);
        WriteOpt(lm, proto::kLabelKey, S(l.key));
        WriteOpt(lm, proto::kLabelStr, S(l.str));
        WriteOpt(lm, proto::kLabelNum, l.num);
        WriteOpt(lm, proto::kLabelNumUnit, S(l.num_unit));
      }
    }
  }

  void WriteMapping(protozero::pbf_writer& w, const Mapping& mp) {
    protozero::pbf_writer m(w, proto::kMapping);
    WriteOptU(m, proto::kMappingId, mp.id);
    WriteOptU(m, proto::kMappingStart, mp.start);
    WriteOptU(m, proto::kMappingLimit, mp.limit);
    WriteOptU(m, proto::kMappingOffset, mp.offset);
    WriteOpt(m, proto::kMappingFilename, S(mp.file));
    WriteOpt(m, proto::kMappingBuildId, S(mp.build_id));
    WriteOptB(m, proto::kMappingHasFunctions, mp.has_functions);
    WriteOptB(m, proto::kMappingHasFilenames, mp.has_filenames);
    WriteOptB(m, proto::kMappingHasLineNumbers, mp.has_line_numbers);
    WriteOptB(m, proto::kMappingHasInlineFrames, mp.has_inline_frames);
  }

  void WriteLocation(protozero::pbf_writer& w, const Location& loc) {
    protozero::pbf_writer m(w, proto::kLocation);
    WriteOptU(m, proto::kLocationId, loc.id);
    if (loc.mapping != kNone) WriteOptU(m, proto::kLocationMappingId, p_.mappings[loc.mapping].id);
    WriteOptU(m, proto::kLocationAddress, loc.address);
    for (const Line& ln : p_.lines_of(loc)) {
      protozero::pbf_writer lm(m, proto::kLocationLine);
      if (ln.function != kNone) WriteOptU(lm, proto::kLineFunctionId, p_.functions[ln.function].id);
      WriteOpt(lm, proto::kLineLine, ln.line);
      WriteOpt(lm, proto::kLineColumn, ln.column);
    }
    WriteOptB(m, proto::kLocationIsFolded, loc.is_folded);
  }

  void WriteFunction(protozero::pbf_writer& w, const Function& f) {
    protozero::pbf_writer m(w, proto::kFunction);
    WriteOptU(m, proto::kFunctionId, f.id);
    WriteOpt(m, proto::kFunctionName, S(f.name));
    WriteOpt(m, proto::kFunctionSystemName, S(f.system_name));
    WriteOpt(m, proto::kFunctionFilename, S(f.filename));
    WriteOpt(m, proto::kFunctionStartLine, f.start_line);
  }

  const Profile& p_;
  std::vector<uint32_t> remap_;
  std::vector<StrId> order_;
};

}  // namespace

std::string EncodeProfile(const Profile& p) { return Encoder(p).Run(); }

std::string WriteProfile(const Profile& p) { return Gzip(EncodeProfile(p)); }

}  // namespace cpprof
