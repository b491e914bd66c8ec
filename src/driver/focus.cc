#include "driver/focus.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <memory>
#include <set>

#include "driver/tag_filter.h"
#include "profile/filter.h"

namespace cpprof {
namespace {

Result<std::unique_ptr<re2::RE2>> CompileRegex(const char* name, const std::string& value) {
  if (value.empty()) return std::unique_ptr<re2::RE2>();
  auto rx = std::make_unique<re2::RE2>(value, re2::RE2::Quiet);
  if (!rx->ok()) return Status::Error(fmt::format("parsing {} regexp: {}", name, rx->error()));
  return rx;
}

}  // namespace

std::map<std::string, std::string> NumLabelUnits(const Profile& p, Ui& ui) {
  std::map<std::string, std::string> units;
  std::map<std::string, std::set<std::string>> ignored;
  std::set<std::string> keys;
  for (const Sample& s : p.samples) {
    for (const Label& l : p.labels_of(s)) {
      if (l.is_string()) continue;
      std::string key(p.str(l.key));
      keys.insert(key);
      if (l.num_unit == 0) continue;
      std::string unit(p.str(l.num_unit));
      auto [it, inserted] = units.emplace(key, unit);
      if (!inserted && it->second != unit) ignored[key].insert(unit);
    }
  }
  for (const std::string& key : keys) {
    if (units.count(key)) continue;
    units[key] = (key == "alignment" || key == "request") ? "bytes" : key;
  }
  for (const auto& [key, set] : ignored) {
    std::string list;
    for (const std::string& u : set) list += (list.empty() ? "" : ", ") + u;
    ui.Err(fmt::format("For tag {} used unit {}, also encountered unit(s) {}", key, units[key], list));
  }
  return units;
}

Status ApplyFocus(Profile& p, const std::map<std::string, std::string>& units, const Config& cfg, Ui& ui) {
  auto focus = CompileRegex("focus", cfg.focus);
  if (!focus.ok()) return focus.status();
  auto ignore = CompileRegex("ignore", cfg.ignore);
  if (!ignore.ok()) return ignore.status();
  auto hide = CompileRegex("hide", cfg.hide);
  if (!hide.ok()) return hide.status();
  auto show = CompileRegex("show", cfg.show);
  if (!show.ok()) return show.status();
  auto show_from = CompileRegex("show_from", cfg.show_from);
  if (!show_from.ok()) return show_from.status();
  std::string note;
  auto tagfocus = CompileTagFilter("tagfocus", cfg.tagfocus, units, &note);
  if (!note.empty()) {
    ui.Err(note);
    note.clear();
  }
  if (!tagfocus.ok()) return tagfocus.status();
  auto tagignore = CompileTagFilter("tagignore", cfg.tagignore, units, &note);
  if (!note.empty()) ui.Err(note);
  if (!tagignore.ok()) return tagignore.status();
  auto prune_from = CompileRegex("prune_from", cfg.prune_from);
  if (!prune_from.ok()) return prune_from.status();

  auto warn = [&ui](bool matched, const char* option) {
    if (!matched) ui.Err(fmt::format("{} expression matched no samples", option));
  };
  NameFilterMatches m = FilterSamplesByName(p, focus->get(), ignore->get(), hide->get(), show->get());
  warn(!*focus || m.focus, "Focus");
  warn(!*ignore || m.ignore, "Ignore");
  warn(!*hide || m.hide, "Hide");
  warn(!*show || m.show, "Show");
  if (*show_from) warn(ShowFrom(p, **show_from), "ShowFrom");
  auto [tfm, tim] = FilterSamplesByTag(p, *tagfocus, *tagignore);
  warn(!*tagfocus || tfm, "TagFocus");
  warn(!*tagignore || tim, "TagIgnore");
  auto tagshow = CompileRegex("tagshow", cfg.tagshow);
  if (!tagshow.ok()) return tagshow.status();
  auto taghide = CompileRegex("taghide", cfg.taghide);
  if (!taghide.ok()) return taghide.status();
  auto [tsm, thm] = FilterTagsByName(p, tagshow->get(), taghide->get());
  warn(!*tagshow || tsm, "TagShow");
  warn(!*taghide || thm, "TagHide");
  if (*prune_from) PruneFrom(p, **prune_from);
  return Status();
}

}  // namespace cpprof
