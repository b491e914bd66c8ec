# Writes OUT, a C++ file defining one string constant per file in FILES (the
# web UI's page, script and style), so the binary needs no files at run time.
# usage: cmake -DOUT=... -DFILES="a;b" -P embed_assets.cmake
set(code "// Generated from src/web/assets by cmake/embed_assets.cmake.\n#include \"web/assets.h\"\n\nnamespace cpprof {\n")
foreach(file ${FILES})
  get_filename_component(name ${file} NAME)
  string(MAKE_C_IDENTIFIER ${name} id)
  file(READ ${file} content)
  string(APPEND code "const std::string_view kAsset_${id} = R\"cpprof_asset(${content})cpprof_asset\";\n")
endforeach()
string(APPEND code "}  // namespace cpprof\n")
file(WRITE ${OUT} "${code}")
