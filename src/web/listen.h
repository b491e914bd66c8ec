// Serving a web UI: binding the -http address, answering only this machine
// when bound to a loopback address, and opening the browser. The profile's
// UI (server.cc) and the trace's (trace_server.cc) share it.
//
// Tested by tests/web/ui_test.mjs and tests/web/trace_ui_test.mjs.
#ifndef CPPROF_WEB_LISTEN_H_
#define CPPROF_WEB_LISTEN_H_

#include <string>

#include "driver/ui.h"
#include "util/status.h"

namespace httplib {
class Server;
}

namespace cpprof {

// Binds address ("host:port"; empty host = localhost, empty or 0 port = a
// free one), prints pprof's "Serving web UI on http://host:port", opens a
// browser at that URL + start (a path and query, may be empty) when asked,
// and serves until serving fails. Bound to a loopback address, requests
// from other addresses get 403.
Status ListenAndServe(httplib::Server& server, const std::string& address, bool open_browser, const std::string& start,
                      Ui& ui);

}  // namespace cpprof

#endif  // CPPROF_WEB_LISTEN_H_
