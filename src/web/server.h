// The web UI (-http): a small HTTP server on the loaded profile with pprof's
// views and URL parameters. The page and its script are embedded in the
// binary; each view is computed from the profile decoded once at start.
#ifndef CPPROF_WEB_SERVER_H_
#define CPPROF_WEB_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "driver/config.h"
#include "driver/ui.h"
#include "profile/profile.h"
#include "util/status.h"

namespace httplib {
class Server;
}

namespace cpprof {

// Serves on address ("host:port"; empty host = localhost, empty or 0 port =
// a free one) until the process is stopped, at pprof's paths (the views under
// /ui/, / redirected there). Prints pprof's "Serving web UI on
// http://host:port" and, when asked, opens a browser there with the
// command line's settings as URL parameters. When bound to a loopback
// address, requests from elsewhere get 403. With leaks (-leaks), /ui/leaks
// shows the series ranked by steady growth, with a chart of the sites'
// values over time, and is where the browser opens; p is the last snapshot.
// Returns when serving fails.
Status ServeWebUI(const Profile& p, const std::vector<Profile>* leaks, const Config& cfg, const std::string& address,
                  bool open_browser, Ui& ui);

class WebServer;

// The views of a profile mounted below prefix/ui/ on a server its owner
// runs: the trace's web UI (trace_server.cc) shows its derived profiles so.
// Holds the profile; must outlive the server's serving.
class ProfileViews {
 public:
  ProfileViews(httplib::Server& server, const std::string& prefix, Profile p, const Config& cfg, Ui& ui);
  ~ProfileViews();

 private:
  std::unique_ptr<Profile> profile_;  // on the heap: the views keep a reference to it
  std::unique_ptr<WebServer> server_;
};

}  // namespace cpprof

#endif  // CPPROF_WEB_SERVER_H_
