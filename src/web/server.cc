#include "web/server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "driver/command.h"
#include "driver/leaks.h"
#include "driver/output_file.h"
#include "driver/render.h"
#include "profile/codec.h"
#include "util/json.h"
#include "web/assets.h"
#include "web/listen.h"

namespace cpprof {
namespace {

std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

// The config a request asks for: the command line's, with pprof's URL
// parameters (f=focus, si=sample_index, g=granularity, ...) applied; an
// empty one keeps the command line's value, as in pprof's applyURL.
Result<Config> ConfigFor(const httplib::Request& req, const Config& base) {
  Config cfg = base;
  for (const ConfigField& f : ConfigFields()) {
    if (f.url_param.empty()) continue;
    std::string value = req.get_param_value(std::string(f.url_param));
    if (value.empty()) continue;
    if (Status s = SetConfig(cfg, f.name, value); !s.ok()) return s;
  }
  return cfg;
}

// Go's url.QueryEscape, except that a blank is %20: also safe inside the
// single quotes of OpenBrowser's shell command.
std::string QueryEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// pprof's makeURL: the command line's settings that saved configs keep
// (every URL parameter but si), where they differ from the defaults, as the
// query of the address the browser opens. Copied into a ticket, that address
// shows the same view in anyone's pprof or cpprof.
std::string ConfigQuery(const Config& cfg) {
  static const Config kDefaults;
  std::string query;
  for (const ConfigField& f : ConfigFields()) {
    if (f.url_param.empty() || f.url_param == "si") continue;
    std::string value = ConfigValue(cfg, f);
    if (value == ConfigValue(kDefaults, f)) continue;
    if (std::holds_alternative<bool Config::*>(f.member)) value.resize(1);  // "t" or "f", as pprof shortens them
    query += fmt::format("{}{}={}", query.empty() ? "" : "&", f.url_param, QueryEscape(value));
  }
  return query;
}

// A report as an HTTP response's body; Flush gives it its content type.
class ResponseSink final : public ReportSink {
 public:
  ResponseSink(httplib::Response& res, const char* type) : res_(res), type_(type) {}
  Status Append(std::string_view data) override {
    res_.body.append(data);
    return Status();
  }
  Status Flush() override {
    res_.headers.erase("Content-Type");
    res_.set_header("Content-Type", type_);
    return Status();
  }

 private:
  httplib::Response& res_;
  const char* type_;
};

}  // namespace

class WebServer {
 public:
  // The views of p (with -leaks, leaks the series, p its last) on server,
  // below prefix ("" or "/pprof/net": the views are then at prefix/ui/).
  WebServer(httplib::Server& server, std::string prefix, const Profile& p, const std::vector<Profile>* leaks,
            const Config& cfg, Ui& ui)
      : server_(server),
        prefix_(std::move(prefix)),
        p_(p),
        leaks_(leaks),
        reports_(p),
        cfg_(cfg),
        ui_(ui),
        labels_json_(LabelsJson(p)) {}

  // Adds the views' routes, below prefix_.
  void Mount() {
    RoutePages();
    RouteReports();
    RouteConfigs();
  }

 private:
  void RoutePages() {
    // pprof's paths: its views under /ui/ (the graph at /ui/ itself), where
    // pprof puts them so that serving below a proxy's path prefix works
    // (google/pprof#348). The page reaches its script, style and data by
    // relative addresses, so they live under /ui/ too.
    auto page = [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kAsset_index_html), "text/html; charset=utf-8");
    };
    for (const char* view : {"/ui/", "/ui/flamegraph", "/ui/top", "/ui/peek", "/ui/source", "/ui/disasm"}) {
      server_.Get(prefix_ + view, page);
    }
    // -leaks: the series' table and chart; the other views show the last snapshot.
    if (leaks_ != nullptr) server_.Get(prefix_ + "/ui/leaks", page);
    // / and /ui go to /ui/ as in pprof (307, the query kept); the paths of
    // cpprof's earlier UI go to their views, so that old links still open.
    server_.Get(prefix_ + R"(/(ui|flamegraph|top|graph|peek|source|disasm|download)?)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::string view = req.matches[1].str();
                  if (view == "ui" || view == "graph") view.clear();
                  size_t query = req.target.find('?');
                  res.set_redirect(
                      prefix_ + "/ui/" + view + (query == std::string::npos ? "" : req.target.substr(query)), 307);
                });
    server_.Get(prefix_ + "/ui/app.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kAsset_app_js), "text/javascript; charset=utf-8");
    });
    server_.Get(prefix_ + "/ui/style.css", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kAsset_style_css), "text/css; charset=utf-8");
    });
  }

  void RouteReports() {
    if (leaks_ != nullptr) {
      server_.Get(prefix_ + "/ui/data/leaks", [this](const httplib::Request& req, httplib::Response& res) {
        Result<Config> cfg = ConfigFor(req, cfg_);
        if (!cfg.ok()) return Fail(res, cfg.status());
        std::lock_guard<std::mutex> lock(mu_);
        ResponseSink response(res, "application/json");
        if (Status s = GenerateLeaks(*leaks_, *cfg, ui_, true, response); !s.ok()) return Fail(res, s);
        if (Status s = response.Flush(); !s.ok()) return Fail(res, s);
      });
    }
    server_.Get(prefix_ + "/ui/data/header",
                [this](const httplib::Request& req, httplib::Response& res) { Header(req, res); });
    server_.Get(prefix_ + "/ui/data/flamegraph", [this](const httplib::Request& req, httplib::Response& res) {
      Report(req, res, Command{.name = "flamegraph", .format = ReportFormat::kFlameGraph}, "application/json");
    });
    server_.Get(prefix_ + "/ui/data/top", [this](const httplib::Request& req, httplib::Response& res) {
      // At most 500 rows, as pprof's top view.
      Report(req, res, Command{.name = "top", .format = ReportFormat::kText}, "text/plain; charset=utf-8",
             [](Config& cfg) { cfg.nodecount = 500; });
    });
    server_.Get(prefix_ + "/ui/data/graph", [this](const httplib::Request& req, httplib::Response& res) {
      // graphviz's own SVG: the page pans and zooms it through its viewBox.
      Command dot{.name = "svg", .format = ReportFormat::kDot, .render = "svg"};
      Report(req, res, dot, "image/svg+xml");
    });
    // The reports of a regexp: peek (by line, as pprof's peek view), source
    // (list, or weblist's page with expandable assembly) and disassembly.
    server_.Get(prefix_ + R"(/ui/data/(peek|list|disasm|weblist))", [this](const httplib::Request& req,
                                                                           httplib::Response& res) {
      const Command& c = *FindCommand(req.matches[1].str());  // the route names only existing ones
      bool html = c.format == ReportFormat::kWebList;
      Report(req, res, c, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8", [&](Config& cfg) {
        if (req.matches[1] == "peek") cfg.granularity = "lines";
      });
    });
    server_.Get(prefix_ + "/ui/download", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Disposition", "attachment;filename=profile.pb.gz");
      res.set_content(WriteProfile(p_), "application/vnd.google.protobuf+gzip");
    });
  }

  void RouteConfigs() {
    server_.Get(prefix_ + "/ui/data/configs",
                [this](const httplib::Request&, httplib::Response& res) { Configs(res); });
    // pprof's saveconfig and deleteconfig: the config named by config=,
    // saved with the request's other parameters.
    server_.Post(prefix_ + "/ui/saveconfig", [this](const httplib::Request& req, httplib::Response& res) {
      std::string name = req.get_param_value("config");
      if (name.empty() || name.find_first_of("\t\n\r") != std::string::npos) {
        return Fail(res, Status::Error("invalid config name: one without tabs or line breaks is needed"));
      }
      std::string query;
      for (const auto& [key, value] : req.params) {
        if (key != "config") query += (query.empty() ? "" : "&") + QueryEscape(key) + "=" + QueryEscape(value);
      }
      EditConfigs(res, [&](std::vector<std::pair<std::string, std::string>>& configs) {
        std::erase_if(configs, [&](const auto& c) { return c.first == name; });
        configs.emplace_back(name, query);
        return Status();
      });
    });
    server_.Delete(prefix_ + "/ui/deleteconfig", [this](const httplib::Request& req, httplib::Response& res) {
      std::string name = req.get_param_value("config");
      EditConfigs(res, [&](std::vector<std::pair<std::string, std::string>>& configs) {
        if (std::erase_if(configs, [&](const auto& c) { return c.first == name; }) == 0) {
          return Status::Error(fmt::format("config {} not found", name));
        }
        return Status();
      });
    });
  }

  // Applies edit to the saved configs and answers with them.
  void EditConfigs(httplib::Response& res,
                   const std::function<Status(std::vector<std::pair<std::string, std::string>>&)>& edit) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::pair<std::string, std::string>> configs = ReadConfigs();
    if (Status s = edit(configs); !s.ok()) return Fail(res, s);
    if (Status s = WriteConfigs(configs); !s.ok()) return Fail(res, s);
    Configs(res, false);
  }

  // The page's header lines and the sample types to choose from.
  void Header(const httplib::Request& req, httplib::Response& res) {
    Result<Config> cfg = ConfigFor(req, cfg_);
    if (!cfg.ok()) return Fail(res, cfg.status());
    std::lock_guard<std::mutex> lock(mu_);
    int64_t total = 0;
    std::vector<std::string> lines = ProfileHeader(p_, *cfg, ui_, &total);
    Result<int> index = SampleIndex(p_, cfg->sample_index);
    std::string json = "{\"lines\":[";
    for (size_t i = 0; i < lines.size(); ++i) json += (i ? "," : "") + JsonString(lines[i]);
    json += "],\"types\":[";
    for (size_t i = 0; i < p_.sample_types.size(); ++i)
      json += (i ? "," : "") + JsonString(p_.str(p_.sample_types[i].type));
    json += fmt::format("],\"index\":{},\"labels\":{},\"leaks\":{}}}", index.ok() ? *index : 0, labels_json_,
                        leaks_ != nullptr);
    res.set_content(json, "application/json");
  }

  // cmd's report on the request's config, which view_edit may change first.
  void Report(const httplib::Request& req, httplib::Response& res, const Command& cmd, const char* type,
              const std::function<void(Config&)>& view_edit = nullptr) {
    Result<Config> cfg = ConfigFor(req, cfg_);
    if (!cfg.ok()) return Fail(res, cfg.status());
    cfg->output.clear();
    if (view_edit) view_edit(*cfg);
    // One report at a time: they share reports_.
    std::lock_guard<std::mutex> lock(mu_);
    // pprof takes the regexp of peek, source and disasm from f=, which also
    // focuses the report on it; links of cpprof's earlier UI carry it in q=.
    std::string param;
    if (cmd.has_param) param = req.has_param("f") ? req.get_param_value("f") : req.get_param_value("q");
    if (cmd.has_param && param.empty())
      return Fail(res, Status::Error(fmt::format("{} needs a regexp (f=...)", cmd.name)));
    ResponseSink response(res, type);
    StringSink dot;  // rendered reports go through graphviz first
    ReportSink& sink = cmd.render != nullptr ? static_cast<ReportSink&>(dot) : response;
    if (Status s = GenerateReport(reports_, cmd, param, *cfg, ui_, sink); !s.ok()) return Fail(res, s);
    if (cmd.render != nullptr) {
      Result<std::string> svg = RenderDot(dot.text(), cmd.render);
      if (!svg.ok()) return Fail(res, svg.status());
      if (Status s = response.Append(*svg); !s.ok()) return Fail(res, s);
    }
    if (Status s = response.Flush(); !s.ok()) return Fail(res, s);
  }

  // Saved configs: one "name<TAB>URL query" a line in
  // $XDG_CONFIG_HOME/cpprof/configs (default ~/.config), like pprof's
  // settings.json but needing no JSON parser.
  static std::string ConfigsPath() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    std::string dir = xdg != nullptr && *xdg != '\0' ? xdg : std::string(home != nullptr ? home : "/tmp") + "/.config";
    return dir + "/cpprof/configs";
  }

  static std::vector<std::pair<std::string, std::string>> ReadConfigs() {
    std::vector<std::pair<std::string, std::string>> configs;
    std::ifstream in(ConfigsPath());
    for (std::string line; std::getline(in, line);) {
      size_t tab = line.find('\t');
      if (tab != std::string::npos) configs.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
    return configs;
  }

  static Status WriteConfigs(const std::vector<std::pair<std::string, std::string>>& configs) {
    std::string path = ConfigsPath();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    std::string text;
    for (const auto& [name, query] : configs) text += name + "\t" + query + "\n";
    return WriteFile(path, text);
  }

  void Configs(httplib::Response& res, bool lock = true) {
    std::unique_lock<std::mutex> guard(mu_, std::defer_lock);
    if (lock) guard.lock();
    std::string json = "[";
    for (const auto& [name, query] : ReadConfigs()) {
      if (json.size() > 1) json += ',';
      json += "{\"name\":" + JsonString(name) + ",\"query\":" + JsonString(query) + "}";
    }
    res.set_content(json + "]", "application/json");
  }

  // The string labels the samples carry, {"key":["value",...]}, for the
  // page's label filters; 200 values a key at most (pprof's web UI has no
  // such control: issue #810).
  static std::string LabelsJson(const Profile& p) {
    constexpr size_t kMaxValues = 200;
    std::map<std::string_view, std::set<std::string_view>> labels;
    for (const Label& l : p.labels) {
      if (!l.is_string()) continue;
      auto& values = labels[p.str(l.key)];
      if (values.size() < kMaxValues) values.insert(p.str(l.str));
    }
    std::string json = "{";
    for (const auto& [key, values] : labels) {
      if (json.size() > 1) json += ',';
      json += JsonString(key) + ":[";
      bool first = true;
      for (std::string_view v : values) json += (std::exchange(first, false) ? "" : ",") + JsonString(v);
      json += ']';
    }
    return json + "}";
  }

  static void Fail(httplib::Response& res, const Status& s) {
    res.status = 400;
    res.set_content("{\"error\":" + JsonString(s.message()) + "}", "application/json");
  }

  httplib::Server& server_;
  std::string prefix_;
  const Profile& p_;
  const std::vector<Profile>* leaks_;  // -leaks: the snapshots, p_ the last; else null
  ReportCache reports_;                // the copy of p_ reports work on, kept between them
  Config cfg_;
  Ui& ui_;
  std::mutex mu_;
  std::string labels_json_;
};

Status ServeWebUI(const Profile& p, const std::vector<Profile>* leaks, const Config& cfg, const std::string& address,
                  bool open_browser, Ui& ui) {
  httplib::Server server;
  WebServer views(server, "", p, leaks, cfg, ui);
  views.Mount();
  // pprof's address: / sends the browser on to /ui/, the graph; the
  // command line's settings go along as URL parameters.
  std::string query = ConfigQuery(cfg);
  std::string start = leaks != nullptr ? "/ui/leaks" : "";
  if (!query.empty()) start += "?" + query;
  return ListenAndServe(server, address, open_browser, start, ui);
}

ProfileViews::ProfileViews(httplib::Server& server, const std::string& prefix, Profile p, const Config& cfg, Ui& ui)
    : profile_(std::make_unique<Profile>(std::move(p))),
      server_(std::make_unique<WebServer>(server, prefix, *profile_, nullptr, cfg, ui)) {
  server_->Mount();
}

ProfileViews::~ProfileViews() = default;

}  // namespace cpprof
