#include "driver/report_cache.h"

#include <fmt/format.h>

namespace cpprof {

void ReportCache::Reset() {
  key_.clear();
  graphs_ = GraphCache();
  messages_.clear();
  prepared_ = Prepared();
  // Assigning into the last copy reuses its memory: 300 MB of fresh pages
  // for the benchmark profile cost ~25 ms of page faults.
  profile_ = session_;
}

Result<ReportCache::Copy> ReportCache::Get(const std::string& key, Ui& ui, const Preparer& prepare) {
  if (!key.empty() && key == key_) {
    for (const std::string& m : messages_) ui.Err(m);
  } else {
    Reset();
    ui.copy_to = &messages_;
    Result<Prepared> prepared = prepare(profile_, ui);
    ui.copy_to = nullptr;
    if (!prepared.ok()) return prepared.status();
    prepared_ = std::move(*prepared);
    key_ = key;
  }
  return Copy{&profile_, &prepared_, key.empty() ? nullptr : &graphs_};
}

std::string PreparationKey(const Config& cfg) {
  std::string key;
  for (const ConfigField& f : ConfigFields()) {
    if (f.report_only) continue;
    std::string value = ConfigValue(cfg, f);
    key += fmt::format("{}:{}={};", f.name, value.size(), value);
  }
  return key;
}

}  // namespace cpprof
