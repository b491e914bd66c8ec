// The fixed parts of a -weblist page: pprof's weblistPageCSS,
// weblistPageScript and weblistPageClosing (internal/report/source_html.go,
// Apache License 2.0), so the page looks and toggles as pprof's does.
#ifndef CPPROF_REPORT_WEBLIST_PAGE_H_
#define CPPROF_REPORT_WEBLIST_PAGE_H_

namespace cpprof {

inline constexpr const char kWeblistCss[] = R"(<style type="text/css">
body #content{
font-family: sans-serif;
}
h1 {
  font-size: 1.5em;
}
.legend {
  font-size: 1.25em;
}
.line, .nop, .unimportant {
  color: #aaaaaa;
}
.inlinesrc {
  color: #000066;
}
.livesrc {
cursor: pointer;
}
.livesrc:hover {
background-color: #eeeeee;
}
.asm {
color: #008800;
display: none;
}
</style>)";

inline constexpr const char kWeblistScript[] = R"(<script type="text/javascript">
function pprof_toggle_asm(e) {
  var target;
  if (!e) e = window.event;
  if (e.target) target = e.target;
  else if (e.srcElement) target = e.srcElement;

  if (target) {
    var asm = target.nextSibling;
    if (asm && asm.className == "asm") {
      asm.style.display = (asm.style.display == "block" ? "" : "block");
      e.preventDefault();
      return false;
    }
  }
}
</script>)";

inline constexpr const char kWeblistClosing[] = R"(
</body>
</html>)";

}  // namespace cpprof

#endif  // CPPROF_REPORT_WEBLIST_PAGE_H_
