// perf.data to profile: the header, attrs and feature sections give the
// events, their names and the build ids; the record stream (decompressed
// where `perf record -z` compressed it) is put in time order, as perf report
// does, and replayed: MMAP/MMAP2, COMM and FORK records keep each process's
// maps and each thread's name, SAMPLE records become samples.
#include <algorithm>
#include <bit>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "profile/perf/byte_reader.h"
#include "profile/perf/perf_data_format.h"
#include "profile/perf/perf_input.h"
#include "profile/perf/stack_builder.h"
#include "profile/perf/zstd_stream.h"

namespace cpprof::perf {
namespace {

// Decompressed records may grow to 64 times the file (perf -z's records of
// a 1.5 s recording compressed 11.8x here; zstd's level 1 on perf's records
// stays under 30x), or 256 MiB for small files: a hostile stream cannot
// exhaust memory.
constexpr size_t kMaxExpansion = 64;
constexpr size_t kMinDecompressedLimit = size_t{256} << 20;
// Frames kept per sample: the kernel's default perf_event_max_stack is 127,
// and a DWARF unwind stops at the same depth beyond its user part.
constexpr size_t kMaxFrames = 256;
// User and kernel halves of x86-64 addresses.
constexpr uint64_t kKernelStart = 0xffff800000000000;

struct Event {
  uint64_t sample_type = 0, read_format = 0, flags = 0, sample_period = 0, branch_sample_type = 0;
  uint64_t regs_user = 0;
  uint32_t type = 0;
  uint64_t config = 0;
  std::string name;
};

struct MapEntry {
  uint64_t start = 0, limit = 0, offset = 0;
  std::string file, build_id;
  uint32_t mapping = kNone;  // the profile's mapping, once a sample used it
};
using Maps = std::map<uint64_t, MapEntry>;  // by start

struct PendingRecord {
  uint64_t time;
  std::string_view bytes;  // the whole record, header included
};

std::string Hex(std::string_view bytes) {
  std::string s;
  for (unsigned char c : bytes) s += fmt::format("{:02x}", c);
  return s;
}

class PerfDataParser {
 public:
  explicit PerfDataParser(const UserStackUnwinder* unwinder) : unwinder_(unwinder) {}

  Profile Parse(std::string_view file) {
    decompressed_limit_ = std::max(kMinDecompressedLimit, kMaxExpansion * file.size());
    ByteReader header(file, "perf.data header");
    header.Skip(8);
    uint64_t header_size = header.U64();
    if (header_size == kPipeHeaderSize) {
      ReadStream(file.substr(kPipeHeaderSize));
    } else if (header_size == kFileHeaderSize) {
      ReadFile(file, header);
    } else {
      throw FormatError{
          fmt::format("perf.data header size {} (want {} or {})", header_size, kFileHeaderSize, kPipeHeaderSize)};
    }
    if (events_.empty()) throw FormatError{"perf.data has no events"};
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const PendingRecord& a, const PendingRecord& b) { return a.time < b.time; });
    SetSampleTypes();
    // perf's default callchains hold ~10-30 frames.
    builder_.Reserve(pending_.size(), 16);
    for (const PendingRecord& r : pending_) Replay(r.bytes);
    Profile p = builder_.Finish(main_mapping_);
    // From the first sample to the last, on perf's clock (pprof's Duration
    // line); the file has no wall-clock time of its own unless recorded with -k.
    if (last_sample_time_ > first_sample_time_) {
      p.duration_nanos = static_cast<int64_t>(last_sample_time_ - first_sample_time_);
    }
    return p;
  }

 private:
  static std::string_view Section(std::string_view file, ByteReader& r, const char* what) {
    uint64_t offset = r.U64(), size = r.U64();
    if (offset > file.size() || size > file.size() - offset) {
      throw FormatError{
          fmt::format("{} section [{}, +{}) lies beyond the file's {} bytes", what, offset, size, file.size())};
    }
    return file.substr(offset, size);
  }

  void ReadFile(std::string_view file, ByteReader& header) {
    uint64_t attr_size = header.U64();
    std::string_view attrs = Section(file, header, "attrs");
    std::string_view data = Section(file, header, "data");
    header.Skip(16);  // event_types, unused since perf 2.6.38
    uint64_t features[4];
    for (uint64_t& f : features) f = header.U64();
    if (attr_size < kAttrSizeVer0 + 16 || attrs.size() % attr_size != 0) {
      throw FormatError{fmt::format("attr entries of {} bytes in a section of {}", attr_size, attrs.size())};
    }
    for (size_t off = 0; off < attrs.size(); off += attr_size) {
      ByteReader entry(attrs.substr(off, attr_size), "attr");
      std::string_view attr = entry.Bytes(attr_size - 16);
      std::string_view ids = Section(file, entry, "ids");
      AddEvent(attr, ids);
    }
    // One section descriptor per feature bit, in bit order, after the data.
    size_t table = static_cast<size_t>(data.data() + data.size() - file.data());
    ByteReader sections(file.substr(table), "feature table");
    for (int bit = 0; bit < 256; ++bit) {
      if ((features[bit / 64] >> (bit % 64) & 1) == 0) continue;
      std::string_view section = Section(file, sections, "feature");
      ReadFeature(bit, section);
    }
    ReadStream(data);
  }

  void AddEvent(std::string_view attr_bytes, std::string_view ids) {
    // Older perfs wrote shorter attrs: the missing fields read as zero.
    std::string attr(std::max<size_t>(attr_bytes.size(), 96), '\0');
    attr.replace(0, attr_bytes.size(), attr_bytes);
    ByteReader r(attr, "attr");
    Event e;
    e.type = r.U32();
    r.Skip(4);
    e.config = r.U64();
    e.sample_period = r.U64();
    e.sample_type = r.U64();
    e.read_format = r.U64();
    e.flags = r.U64();
    r.Skip(72 - 48);
    e.branch_sample_type = r.U64();
    e.regs_user = r.U64();
    if (ids.size() % 8 != 0) throw FormatError{fmt::format("event id list of {} bytes", ids.size())};
    for (size_t i = 0; i < ids.size(); i += 8) {
      uint64_t id;
      std::memcpy(&id, ids.data() + i, 8);
      event_of_id_[id] = static_cast<uint32_t>(events_.size());
    }
    events_.push_back(std::move(e));
  }

  void ReadFeature(int bit, std::string_view section) {
    if (bit == kFeatureBuildId) ReadBuildIds(section);
    if (bit == kFeatureEventDesc) ReadEventDesc(section);
  }

  // A run of build_id_event records: {header; s32 pid; u8 id[20]; u8 size;
  // u8, u16 reserved; char filename[]}; files of perf < 5.x had no size byte.
  void ReadBuildIds(std::string_view section) {
    while (!section.empty()) {
      ByteReader h(section, "build id");
      h.Skip(4);
      uint16_t misc = h.Read<uint16_t>(), size = h.Read<uint16_t>();
      if (size < 36 || size > section.size()) throw FormatError{fmt::format("build id entry of {} bytes", size)};
      ByteReader r(section.substr(8, size - 8), "build id");
      r.Skip(4);
      std::string_view id = r.Bytes(20);
      uint8_t id_size = r.Read<uint8_t>();
      r.Skip(3);
      std::string_view name = r.CString();
      if ((misc & kMiscBuildIdSize) != 0 && id_size <= 20) {
        id = id.substr(0, id_size);
      } else {
        while (!id.empty() && id.back() == '\0') id.remove_suffix(1);
      }
      build_ids_[std::string(name)] = Hex(id);
      section.remove_prefix(size);
    }
  }

  // {u32 nr; u32 attr_size; per event: attr, u32 nr_ids, string name, u64 ids[]}.
  void ReadEventDesc(std::string_view section) {
    ByteReader r(section, "event description");
    uint32_t n = r.U32(), attr_size = r.U32();
    for (uint32_t i = 0; i < n; ++i) {
      r.Skip(attr_size);
      uint32_t nr_ids = r.U32();
      uint32_t len = r.U32();
      std::string_view name = r.Bytes(len);
      name = name.substr(0, name.find('\0'));
      for (uint32_t k = 0; k < nr_ids; ++k) {
        auto it = event_of_id_.find(r.U64());
        if (it != event_of_id_.end()) events_[it->second].name = name;
      }
      if (nr_ids == 0 && i < events_.size()) events_[i].name = name;
    }
  }

  // The record stream: perf's own records are read now (in pipe mode they
  // carry the attrs and features), the kernel's are kept to be replayed in
  // time order.
  void ReadStream(std::string_view data) {
    while (!data.empty()) {
      ByteReader h(data, "record header");
      uint32_t type = h.U32();
      h.Skip(2);
      uint16_t size = h.Read<uint16_t>();
      if (size < 8 || size > data.size()) {
        throw FormatError{fmt::format("record of type {} and size {} with {} bytes left", type, size, data.size())};
      }
      std::string_view record = data.substr(0, size);
      data.remove_prefix(size);
      std::string_view body = record.substr(8);
      Dispatch(type, record, body);
    }
  }

  void Dispatch(uint32_t type, std::string_view record, std::string_view body) {
    switch (type) {
      case kRecordHeaderAttr: {
        // {perf_event_attr (its own size at offset 4); u64 ids[]}
        ByteReader r(body, "attr record");
        r.Skip(4);
        uint32_t attr_size = r.U32();
        if (attr_size < kAttrSizeVer0 || attr_size > body.size()) {
          throw FormatError{fmt::format("attr record with an attr of {} bytes", attr_size)};
        }
        AddEvent(body.substr(0, attr_size), body.substr(attr_size));
        return;
      }
      case kRecordHeaderBuildId: ReadBuildIds(record); return;
      case kRecordHeaderFeature: {
        ByteReader r(body, "feature record");
        uint64_t feature = r.U64();
        if (feature < 256) ReadFeature(static_cast<int>(feature), body.substr(8));
        return;
      }
      case kRecordEventUpdate: {
        ByteReader r(body, "event update");
        uint64_t what = r.U64(), id = r.U64();
        auto it = event_of_id_.find(id);
        if (what == kEventUpdateName && it != event_of_id_.end()) events_[it->second].name = r.CString();
        return;
      }
      case kRecordCompressed: {
        // perf compresses the kernel's records only: no nesting (and no recursion).
        if (in_compressed_) throw FormatError{"compressed record inside a compressed record"};
        // Decompressed records may straddle payloads: keep the tail for the next.
        std::string& out = decompressed_.emplace_back(std::move(compressed_tail_));
        compressed_tail_.clear();
        const size_t before = out.size();
        zstd_.Decompress(body, out, before + decompressed_limit_ - std::min(decompressed_limit_, decompressed_bytes_));
        decompressed_bytes_ += out.size() - before;
        size_t complete = CompleteRecords(out);
        compressed_tail_ = out.substr(complete);
        out.resize(complete);
        in_compressed_ = true;
        ReadStream(out);
        in_compressed_ = false;
        return;
      }
      default:
        if (type < kRecordHeaderAttr && !events_.empty()) pending_.push_back({TimeOf(type, body), record});
    }
  }

  static size_t CompleteRecords(std::string_view data) {
    size_t at = 0;
    while (data.size() - at >= 8) {
      uint16_t size;
      std::memcpy(&size, data.data() + at + 6, 2);
      if (size < 8) throw FormatError{"compressed record holds a record of size " + std::to_string(size)};
      if (size > data.size() - at) break;
      at += size;
    }
    return at;
  }

  const Event& EventOfId(uint64_t id) const {
    auto it = event_of_id_.find(id);
    if (it == event_of_id_.end()) throw FormatError{fmt::format("record of unknown event id {}", id)};
    return events_[it->second];
  }

  // The event a record belongs to: a sample's id comes first (IDENTIFIER) or
  // after ip, tid, time and addr (ID); other records end with it.
  const Event& EventOf(uint32_t type, std::string_view body) const {
    const Event& first = events_.front();
    if (events_.size() == 1) return first;
    uint64_t st = first.sample_type;
    ByteReader r(body, "record");
    if (type == kRecordSample) {
      if (st & kSampleIdentifier) return EventOfId(r.U64());
      if (st & kSampleId) {
        r.Skip(8 * (std::popcount(st & (kSampleIp | kSampleTime | kSampleAddr)) + ((st & kSampleTid) ? 1 : 0)));
        return EventOfId(r.U64());
      }
      return first;
    }
    if ((first.flags & kAttrSampleIdAll) && (st & kSampleIdentifier) && body.size() >= 8) {
      uint64_t id;
      std::memcpy(&id, body.data() + body.size() - 8, 8);
      return EventOfId(id);
    }
    return first;
  }

  uint64_t TimeOf(uint32_t type, std::string_view body) const {
    const Event& e = EventOf(type, body);
    uint64_t st = e.sample_type;
    if ((st & kSampleTime) == 0) return 0;
    ByteReader r(body, "record");
    if (type == kRecordSample) {
      r.Skip(8 * (std::popcount(st & (kSampleIdentifier | kSampleIp | kSampleTid))));
      return r.U64();
    }
    if ((e.flags & kAttrSampleIdAll) == 0) return 0;
    // The sample_id trailer: {pid,tid} {time} {id} {stream_id} {cpu,res} {identifier}.
    size_t trailer = 8 * std::popcount(st & (kSampleTid | kSampleTime | kSampleId | kSampleStreamId | kSampleCpu |
                                             kSampleIdentifier));
    if (trailer > body.size()) throw FormatError{fmt::format("record of type {} shorter than its trailer", type)};
    r.Skip(body.size() - trailer + ((st & kSampleTid) ? 8 : 0));
    return r.U64();
  }

  // "cpu-clock:ppp" -> "cpu-clock"; unnamed events are event_<i>.
  void SetSampleTypes() {
    for (size_t i = 0; i < events_.size(); ++i) {
      Event& e = events_[i];
      std::string name = e.name.substr(0, e.name.find(':'));
      if (name.empty()) name = fmt::format("event_{}", i);
      for (size_t k = 0; k < i; ++k) {
        if (events_[k].name == name) name = fmt::format("{}_{}", name, i);
      }
      e.name = name;
      // Software cpu-clock (0) and task-clock (1) periods are nanoseconds.
      bool clock = e.type == 1 && e.config <= 1;
      builder_.AddSampleType(name + "_samples", "count");
      builder_.AddSampleType(name, clock ? "nanoseconds" : "events");
    }
    Profile& p = builder_.profile();
    p.period_type = p.sample_types[1];
    p.period = (events_[0].flags & kAttrFreq) ? 0 : static_cast<int64_t>(events_[0].sample_period);
    p.default_sample_type = p.sample_types[1].type;
    values_.assign(p.sample_types.size(), 0);
  }

  void Replay(std::string_view record) {
    uint32_t type;
    uint16_t misc;
    std::memcpy(&type, record.data(), 4);
    std::memcpy(&misc, record.data() + 4, 2);
    ByteReader r(record.substr(8));
    switch (type) {
      case kRecordMmap:
      case kRecordMmap2: ReplayMmap(type, misc, r); break;
      case kRecordComm: {
        uint32_t pid = r.U32(), tid = r.U32();
        if (misc & kMiscCommExec) maps_.erase(pid);
        comms_[tid] = builder_.profile().strings.Intern(r.CString());
        break;
      }
      case kRecordFork: {
        uint32_t pid = r.U32(), ppid = r.U32(), tid = r.U32(), ptid = r.U32();
        if (pid != ppid) {
          auto parent = maps_.find(ppid);
          if (parent != maps_.end()) maps_[pid] = parent->second;
        }
        auto comm = comms_.find(ptid);
        if (comm != comms_.end()) comms_[tid] = comm->second;
        break;
      }
      case kRecordSample: ReplaySample(misc, record.substr(8)); break;
      default: break;
    }
  }

  void ReplayMmap(uint32_t type, uint16_t misc, ByteReader& r) {
    uint32_t pid = r.U32();
    r.Skip(4);
    MapEntry m;
    m.start = r.U64();
    uint64_t len = r.U64();
    m.offset = r.U64();
    if (type == kRecordMmap2) {
      std::string_view id_or_inode = r.Bytes(24);
      uint32_t prot = r.U32();
      r.Skip(4);
      if ((prot & 4) == 0 && prot != 0) return;  // data mappings (perf record -d), PROT_EXEC = 4
      if (misc & kMiscMmapBuildId) {
        uint8_t size = static_cast<uint8_t>(id_or_inode[0]);
        m.build_id = Hex(id_or_inode.substr(4, std::min<size_t>(size, 20)));
      }
    } else if (misc & kMiscCommExec) {
      return;  // MMAP_DATA shares bit 13
    }
    // Mapped names end before the sample_id trailer's NUL padding.
    std::string_view file = r.CString();
    m.limit = m.start + len;
    if (m.limit < m.start) m.limit = ~uint64_t{0};
    // perf names the kernel's text "[kernel.kallsyms]_text" (or _stext).
    if (file.starts_with("[kernel.kallsyms]")) file = "[kernel.kallsyms]";
    m.file = file;
    if (m.build_id.empty()) {
      auto it = build_ids_.find(m.file);
      if (it != build_ids_.end()) m.build_id = it->second;
    }
    Maps& maps = pid == 0xffffffff ? kernel_maps_ : maps_[pid];
    // The new mapping replaces what it overlaps.
    auto it = maps.lower_bound(m.start);
    if (it != maps.begin()) {
      auto prev = std::prev(it);
      if (prev->second.limit > m.start) prev->second.limit = m.start;
    }
    while (it != maps.end() && it->first < m.limit) it = maps.erase(it);
    maps.emplace(m.start, std::move(m));
  }

  MapEntry* Find(Maps& maps, uint64_t address) {
    auto it = maps.upper_bound(address);
    if (it == maps.begin()) return nullptr;
    --it;
    return address < it->second.limit ? &it->second : nullptr;
  }

  uint32_t MappingOf(MapEntry& m) {
    if (m.mapping == kNone) {
      m.mapping = builder_.Mapping(m.file, m.start, m.limit, m.offset, m.build_id);
      // The main binary: the first mapping sampled that is no library, kernel or special file.
      bool library = m.file.find(".so") != std::string::npos || m.file.starts_with("[") ||
                     m.file.starts_with("//anon") || m.file.empty();
      if (main_mapping_ == kNone && !library) main_mapping_ = m.mapping;
    }
    return m.mapping;
  }

  uint32_t Frame(Maps* maps, uint64_t address, bool kernel) {
    MapEntry* m = Find(kernel ? kernel_maps_ : *maps, address);
    if (m == nullptr && kernel) {
      // Kernel addresses outside the recorded maps still belong to the kernel.
      if (kernel_fallback_ == kNone)
        kernel_fallback_ = builder_.Mapping("[kernel.kallsyms]", kKernelStart, ~uint64_t{0}, 0, "");
      return builder_.AddressLocation(kernel_fallback_, address);
    }
    return builder_.AddressLocation(m == nullptr ? kNone : MappingOf(*m), address);
  }

  void ReplaySample(uint16_t misc, std::string_view body) {
    const Event& e = EventOf(kRecordSample, body);
    uint64_t st = e.sample_type;
    ByteReader r(body, "sample");
    uint64_t ip = 0, period = e.sample_period;
    uint32_t pid = 0, tid = 0;
    if (st & kSampleIdentifier) r.Skip(8);
    if (st & kSampleIp) ip = r.U64();
    if (st & kSampleTid) {
      pid = r.U32();
      tid = r.U32();
    }
    if (st & kSampleTime) {
      uint64_t time = r.U64();
      first_sample_time_ = std::min(first_sample_time_, time);
      last_sample_time_ = std::max(last_sample_time_, time);
    }
    if (st & kSampleAddr) r.Skip(8);
    if (st & kSampleId) r.Skip(8);
    if (st & kSampleStreamId) r.Skip(8);
    if (st & kSampleCpu) r.Skip(8);
    if (st & kSamplePeriod) period = r.U64();
    if (e.flags & kAttrFreq && (st & kSamplePeriod) == 0) period = 1;
    if (st & kSampleRead) SkipRead(e, r);
    std::string_view chain;
    if (st & kSampleCallchain) {
      uint64_t nr = r.U64();
      if (nr > r.left() / 8)
        throw FormatError{fmt::format("callchain of {} entries in a {}-byte sample", nr, body.size())};
      chain = r.Bytes(nr * 8);
    }
    if (st & kSampleRaw) {
      uint32_t size = r.U32();
      r.Skip(size);
      r.Skip((8 - (size + 4) % 8) % 8);
    }
    if (st & kSampleBranchStack) {
      uint64_t nr = r.U64();
      if (e.branch_sample_type & kBranchHwIndex) r.Skip(8);
      if (nr > r.left() / 24) throw FormatError{fmt::format("branch stack of {} entries", nr)};
      r.Skip(nr * 24);
    }
    UserStack user;
    bool has_user_stack = false;
    if (st & kSampleRegsUser) has_user_stack = ReadUserRegs(e, r, user);
    if (st & kSampleStackUser) {
      uint64_t size = r.U64();
      user.stack = r.Bytes(size);
      if (size != 0) user.stack = user.stack.substr(0, std::min<uint64_t>(r.U64(), size));  // dyn_size
    }
    has_user_stack &= !user.stack.empty() && unwinder_ != nullptr;

    Maps* maps = &maps_[pid];
    stack_.clear();
    bool kernel = (misc & 7) == 1;
    bool first = true;
    for (size_t i = 0; i < chain.size() && stack_.size() < kMaxFrames; i += 8) {
      uint64_t pc;
      std::memcpy(&pc, chain.data() + i, 8);
      if (pc >= kContextMax) {
        kernel = pc == static_cast<uint64_t>(-128);                      // PERF_CONTEXT_KERNEL
        if (pc == static_cast<uint64_t>(-512) && has_user_stack) break;  // PERF_CONTEXT_USER: unwound below
        continue;
      }
      // Only the first entry is the exact pc; the others return addresses.
      stack_.push_back(Frame(maps, first ? pc : pc - 1, kernel));
      first = false;
    }
    if (has_user_stack) {
      UnwindUser(maps, user, first);
    } else if (first) {
      stack_.push_back(Frame(maps, ip, ip >= kKernelStart));
    }
    const size_t ev = static_cast<size_t>(&e - events_.data());
    std::fill(values_.begin(), values_.end(), 0);
    values_[2 * ev] = 1;
    values_[2 * ev + 1] = static_cast<int64_t>(period);
    // A thread seen without its FORK (recorded after it started) has its process's name.
    auto comm = comms_.find(tid);
    if (comm == comms_.end()) comm = comms_.find(pid);
    builder_.AddSample(values_, stack_, {comm == comms_.end() ? StrId{0} : comm->second, int64_t{pid}, int64_t{tid}});
  }

  static void SkipRead(const Event& e, ByteReader& r) {
    uint64_t f = e.read_format;
    uint64_t per_value = 1 + ((f & kReadId) ? 1 : 0) + ((f & kReadLost) ? 1 : 0);
    uint64_t times = ((f & kReadTotalTimeEnabled) ? 1 : 0) + ((f & kReadTotalTimeRunning) ? 1 : 0);
    if (f & kReadGroup) {
      uint64_t nr = r.U64();
      r.Skip(8 * times);
      if (nr > r.left() / (8 * per_value)) throw FormatError{fmt::format("read group of {} values", nr)};
      r.Skip(8 * nr * per_value);
    } else {
      r.Skip(8 * (per_value + times));
    }
  }

  // perf's x86-64 register numbers (AX BX CX DX SI DI BP SP IP FLAGS CS SS
  // DS ES FS GS R8-R15) to DWARF's.
  static bool ReadUserRegs(const Event& e, ByteReader& r, UserStack& user) {
    if (r.U64() == 0) return false;  // abi NONE: no registers (a kernel thread)
    constexpr int kDwarfOfPerf[24] = {0,  3,  2,  1,  4, 5, 6,  7,  16, -1, -1, -1,
                                      -1, -1, -1, -1, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int bit = 0; bit < 64; ++bit) {
      if ((e.regs_user >> bit & 1) == 0) continue;
      uint64_t v = r.U64();
      int dwarf = bit < 24 ? kDwarfOfPerf[bit] : -1;
      if (dwarf < 0) continue;
      user.regs[static_cast<size_t>(dwarf)] = v;
      user.valid |= uint32_t{1} << dwarf;
    }
    constexpr uint32_t kNeeded = (1u << 6) | (1u << 7) | (1u << 16);  // rbp, rsp, pc
    return (user.valid & kNeeded) == kNeeded;
  }

  void UnwindUser(Maps* maps, const UserStack& user, bool first) {
    pcs_.clear();
    unwinder_->Unwind(
        user,
        [&](uint64_t address) -> const UserMapping* {
          MapEntry* m = Find(*maps, address);
          if (m == nullptr) return nullptr;
          mapping_view_ = {m->start, m->limit, m->offset, m->file, m->build_id};
          return &mapping_view_;
        },
        kMaxFrames - std::min(kMaxFrames, stack_.size()), pcs_);
    for (uint64_t pc : pcs_) {
      stack_.push_back(Frame(maps, first ? pc : pc - 1, false));
      first = false;
    }
  }

  const UserStackUnwinder* unwinder_;
  std::vector<Event> events_;
  std::unordered_map<uint64_t, uint32_t> event_of_id_;
  std::unordered_map<std::string, std::string> build_ids_;  // file -> hex
  std::vector<PendingRecord> pending_;
  std::deque<std::string> decompressed_;
  std::string compressed_tail_;
  size_t decompressed_bytes_ = 0, decompressed_limit_ = 0;
  uint64_t first_sample_time_ = UINT64_MAX, last_sample_time_ = 0;  // perf clock, nanoseconds
  bool in_compressed_ = false;
  ZstdStream zstd_;
  std::unordered_map<uint32_t, Maps> maps_;  // by pid
  Maps kernel_maps_;
  std::unordered_map<uint32_t, StrId> comms_;  // by tid
  StackBuilder builder_;
  uint32_t main_mapping_ = kNone, kernel_fallback_ = kNone;
  std::vector<int64_t> values_;
  std::vector<uint32_t> stack_;
  std::vector<uint64_t> pcs_;
  UserMapping mapping_view_;
};

}  // namespace

bool IsPerfData(std::string_view bytes) { return bytes.starts_with(kMagic); }

Result<Profile> ParsePerfData(std::string_view bytes, const UserStackUnwinder* unwinder) {
  try {
    return PerfDataParser(unwinder).Parse(bytes);
  } catch (const FormatError& e) {
    return Status::Error("malformed perf.data: " + e.message);
  } catch (const std::bad_alloc&) {
    return Status::Error("malformed perf.data: out of memory");
  }
}

}  // namespace cpprof::perf
