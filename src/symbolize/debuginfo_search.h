// Where libdwfl finds a module's separate debug file: its standard search
// (dwfl_standard_find_debuginfo: by build id below /usr/lib/debug/.build-id,
// then by .gnu_debuglink name next to the module, in its .debug directory
// and below /usr/lib/debug, then from debuginfod servers), without loading
// the debuginfod client when it can do nothing.
//
// elfutils 0.188 dlopens libdebuginfod, and with it libcurl, GnuTLS and
// Kerberos (some 20 libraries), the first time a module's debug file is not
// found locally: for libstdc++ without its -dbg package, say. It does so
// whether or not DEBUGINFOD_URLS names a server, and with none the client
// returns without looking anywhere. That load was 25 ms of CPU, a quarter of
// the exit write of bench/exit_symbolize.sh.
#ifndef CPPROF_SYMBOLIZE_DEBUGINFO_SEARCH_H_
#define CPPROF_SYMBOLIZE_DEBUGINFO_SEARCH_H_

#include <elfutils/libdwfl.h>

namespace cpprof {

// A Dwfl_Callbacks::find_debuginfo for libdwfl's default debuginfo_path
// (":.debug:/usr/lib/debug"): libdwfl's standard search whenever a debug
// file may exist on a path it tries or DEBUGINFOD_URLS names a server, else
// only its build-id search, the one place left that it could be found.
int FindDebuginfo(Dwfl_Module* mod, void** userdata, const char* modname, Dwarf_Addr base, const char* file_name,
                  const char* debuglink_file, GElf_Word debuglink_crc, char** debuginfo_file_name);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_DEBUGINFO_SEARCH_H_
