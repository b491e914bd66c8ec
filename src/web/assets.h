// The web UI's files, embedded at build time (cmake/embed_assets.cmake).
#ifndef CPPROF_WEB_ASSETS_H_
#define CPPROF_WEB_ASSETS_H_

#include <string_view>

namespace cpprof {

extern const std::string_view kAsset_index_html;
extern const std::string_view kAsset_app_js;
extern const std::string_view kAsset_style_css;
// The trace's web UI (trace_server.cc).
extern const std::string_view kAsset_trace_html;
extern const std::string_view kAsset_trace_js;
extern const std::string_view kAsset_trace_css;

}  // namespace cpprof

#endif  // CPPROF_WEB_ASSETS_H_
