#include "web/listen.h"

#include <fmt/format.h>
#include <httplib.h>

#include <cstdlib>

namespace cpprof {
namespace {

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

bool IsLoopbackPeer(const std::string& addr) {
  return addr == "::1" || addr.starts_with("127.") || addr.starts_with("::ffff:127.");
}

// $BROWSER, else xdg-open, in the background; a missing one is fine.
void OpenBrowser(const std::string& url) {
  const char* browser = std::getenv("BROWSER");
  std::string cmd = fmt::format("{} '{}' >/dev/null 2>&1 &", browser && *browser ? browser : "xdg-open", url);
  if (std::system(cmd.c_str()) != 0) return;
}

}  // namespace

Status ListenAndServe(httplib::Server& server, const std::string& address, bool open_browser, const std::string& start,
                      Ui& ui) {
  size_t colon = address.rfind(':');
  std::string host = colon == std::string::npos ? address : address.substr(0, colon);
  std::string port_text = colon == std::string::npos ? "" : address.substr(colon + 1);
  if (host.empty()) host = "localhost";
  int port = 0;
  if (!port_text.empty()) {
    char* end = nullptr;
    long v = std::strtol(port_text.c_str(), &end, 10);
    if (*end != '\0' || v < 0 || v > 65535) return Status::Error(fmt::format("invalid -http port \"{}\"", port_text));
    port = static_cast<int>(v);
  }
  server.set_pre_routing_handler(
      [loopback_only = IsLoopbackHost(host)](const httplib::Request& req, httplib::Response& res) {
        // Debian's cpp-httplib (0.11, built with brotli) compresses every text,
        // JSON and SVG response for a browser, with brotli at quality 11: 0.6 s
        // of CPU for the 405 KB flame graph of bench/run.sh's profile, which goes
        // over loopback in a millisecond. pprof's server (Go's net/http)
        // compresses nothing, and neither does this one. The request is httplib's
        // own, non-const object, handed to this handler as const.
        const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
        if (!loopback_only || IsLoopbackPeer(req.remote_addr)) return httplib::Server::HandlerResponse::Unhandled;
        res.status = 403;
        res.set_content("forbidden: the web UI only answers this machine\n", "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      });
  if (port == 0) {
    port = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port < 0) return Status::Error(fmt::format("failed to listen on {}:{}", host, port_text));
  std::string url = fmt::format("http://{}:{}", host.find(':') != std::string::npos ? "[" + host + "]" : host, port);
  ui.Err("Serving web UI on " + url);
  if (open_browser) OpenBrowser(url + start);
  if (!server.listen_after_bind()) return Status::Error("serving web UI on " + url + " failed");
  return Status();
}

}  // namespace cpprof
