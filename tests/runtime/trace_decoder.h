// The few fields of a cpprof trace (src/trace/trace_format.h) the runtime's
// trace tests check, decoded with protozero; and protoc's verdict against
// Perfetto's schema.
#ifndef CPPROF_TESTS_RUNTIME_TRACE_DECODER_H_
#define CPPROF_TESTS_RUNTIME_TRACE_DECODER_H_

#include <cstdint>
#include <cstdlib>
#include <map>
#include <protozero/pbf_reader.hpp>
#include <string>
#include <vector>

namespace cpprof::testing {

struct DecodedEvent {
  uint64_t ts = 0, track = 0, callstack = 0;
  uint32_t type = 0;
  std::string name, category;
  std::map<std::string, std::string> annotations;  // numbers in decimal
  std::vector<uint64_t> flows;
  int64_t counter = 0;
};

struct DecodedTrack {
  uint64_t uuid = 0, parent = 0;
  std::string name, thread_name;
  int64_t tid = -1;
};

struct DecodedSample {
  uint64_t ts = 0, callstack = 0;
  int64_t tid = 0;
};

struct DecodedTrace {
  std::vector<DecodedTrack> tracks;  // every descriptor, repeats included
  std::vector<DecodedEvent> events;
  std::vector<DecodedSample> samples;
  std::map<uint64_t, std::string> functions;
  std::map<uint64_t, uint64_t> frame_function;
  std::map<uint64_t, std::vector<uint64_t>> callstacks;

  // Function names of a callstack, outermost first.
  std::vector<std::string> Functions(uint64_t callstack) const {
    std::vector<std::string> out;
    auto it = callstacks.find(callstack);
    if (it == callstacks.end()) return out;
    for (uint64_t f : it->second) {
      auto fn = frame_function.find(f);
      out.push_back(fn == frame_function.end() ? "?" : functions.at(fn->second));
    }
    return out;
  }
  std::vector<const DecodedEvent*> Find(const std::string& name) const {
    std::vector<const DecodedEvent*> out;
    for (const DecodedEvent& e : events) {
      if (e.name == name) out.push_back(&e);
    }
    return out;
  }
  // The last descriptor of the thread track of tid whose name is `name`
  // (empty: any), or null.
  const DecodedTrack* Thread(int64_t tid) const {
    const DecodedTrack* found = nullptr;
    for (const DecodedTrack& t : tracks) {
      if (t.tid == tid) found = &t;
    }
    return found;
  }
};

inline void DecodeEvent(protozero::pbf_reader m, DecodedEvent* e) {
  while (m.next()) {
    switch (m.tag()) {
      case 9: e->type = m.get_uint32(); break;
      case 11: e->track = m.get_uint64(); break;
      case 23: e->name = m.get_string(); break;
      case 22: e->category = m.get_string(); break;
      case 30: e->counter = m.get_int64(); break;
      case 47: e->flows.push_back(m.get_fixed64()); break;
      case 56: e->callstack = m.get_uint64(); break;
      case 4: {
        protozero::pbf_reader a = m.get_message();
        std::string name, value;
        while (a.next()) {
          if (a.tag() == 10) {
            name = a.get_string();
          } else if (a.tag() == 6) {
            value = a.get_string();
          } else if (a.tag() == 3 || a.tag() == 7) {
            value = std::to_string(a.get_uint64());
          } else {
            a.skip();
          }
        }
        e->annotations[name] = value;
        break;
      }
      default: m.skip();
    }
  }
}

inline void DecodeInterned(protozero::pbf_reader m, DecodedTrace* t) {
  while (m.next()) {
    if (m.tag() == 5) {
      protozero::pbf_reader s = m.get_message();
      uint64_t iid = 0;
      std::string str;
      while (s.next()) {
        if (s.tag() == 1) {
          iid = s.get_uint64();
        } else if (s.tag() == 2) {
          str = s.get_string();
        } else {
          s.skip();
        }
      }
      t->functions[iid] = str;
    } else if (m.tag() == 6) {
      protozero::pbf_reader f = m.get_message();
      uint64_t iid = 0, fn = 0;
      while (f.next()) {
        if (f.tag() == 1) {
          iid = f.get_uint64();
        } else if (f.tag() == 2) {
          fn = f.get_uint64();
        } else {
          f.skip();
        }
      }
      t->frame_function[iid] = fn;
    } else if (m.tag() == 7) {
      protozero::pbf_reader c = m.get_message();
      uint64_t iid = 0;
      std::vector<uint64_t> frames;
      while (c.next()) {
        if (c.tag() == 1) {
          iid = c.get_uint64();
        } else if (c.tag() == 2) {
          frames.push_back(c.get_uint64());
        } else {
          c.skip();
        }
      }
      t->callstacks[iid] = frames;
    } else {
      m.skip();
    }
  }
}

inline DecodedTrace DecodeTrace(const std::string& bytes) {
  DecodedTrace t;
  protozero::pbf_reader trace(bytes);
  while (trace.next(1)) {
    protozero::pbf_reader p = trace.get_message();
    uint64_t ts = 0;
    while (p.next()) {
      switch (p.tag()) {
        case 8: ts = p.get_uint64(); break;
        case 11: {
          DecodedEvent e;
          e.ts = ts;
          DecodeEvent(p.get_message(), &e);
          t.events.push_back(e);
          break;
        }
        case 12: DecodeInterned(p.get_message(), &t); break;
        case 60: {
          DecodedTrack tr;
          protozero::pbf_reader d = p.get_message();
          while (d.next()) {
            if (d.tag() == 1) {
              tr.uuid = d.get_uint64();
            } else if (d.tag() == 2) {
              tr.name = d.get_string();
            } else if (d.tag() == 5) {
              tr.parent = d.get_uint64();
            } else if (d.tag() == 4) {
              protozero::pbf_reader th = d.get_message();
              while (th.next()) {
                if (th.tag() == 2) {
                  tr.tid = th.get_int64();
                } else if (th.tag() == 5) {
                  tr.thread_name = th.get_string();
                } else {
                  th.skip();
                }
              }
            } else {
              d.skip();
            }
          }
          t.tracks.push_back(tr);
          break;
        }
        case 66: {
          DecodedSample s;
          s.ts = ts;
          protozero::pbf_reader d = p.get_message();
          while (d.next()) {
            if (d.tag() == 3) {
              s.tid = d.get_int64();
            } else if (d.tag() == 4) {
              s.callstack = d.get_uint64();
            } else {
              d.skip();
            }
          }
          t.samples.push_back(s);
          break;
        }
        default: p.skip();
      }
    }
    // An event's timestamp may follow it in the packet.
    for (auto it = t.events.rbegin(); it != t.events.rend() && it->ts == 0; ++it) it->ts = ts;
    if (!t.samples.empty() && t.samples.back().ts == 0) t.samples.back().ts = ts;
  }
  return t;
}

// protoc --decode against Perfetto's schema (../shared/reference/perfetto
// beside the source tree); true when protoc accepts the file.
inline bool ProtocDecodes(const std::string& path, const std::string& text_out) {
  std::string cmd = "protoc --proto_path=" CPPROF_SOURCE_DIR
                    "/../shared/reference/perfetto "
                    "--decode=perfetto.protos.Trace perfetto_trace.proto <" +
                    path + " >" + text_out + " 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace cpprof::testing

#endif  // CPPROF_TESTS_RUNTIME_TRACE_DECODER_H_
