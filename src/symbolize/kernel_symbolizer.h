// Kernel frames of perf.data profiles: locations in the kernel's half of the
// address space (mappings "[kernel.kallsyms]" and modules) named from
// /proc/kallsyms, which lists the running kernel's text symbols with their
// addresses (modules' too). Without root, or with kptr_restrict set, the
// addresses read as 0: the frames are then all named "[kernel]", as perf
// names what it cannot resolve, so kernel time still shows as one entry.
// The same when the profile's kernel is not the running one (their build
// ids differ): another kernel's addresses would get wrong names.
#ifndef CPPROF_SYMBOLIZE_KERNEL_SYMBOLIZER_H_
#define CPPROF_SYMBOLIZE_KERNEL_SYMBOLIZER_H_

#include <functional>
#include <string>

#include "profile/profile.h"

namespace cpprof {

struct RunningKernel {
  std::string kallsyms;  // the text of /proc/kallsyms; empty when unreadable
  std::string build_id;  // lower-case hex, from /sys/kernel/notes; empty when unknown
};

// What the running kernel tells of itself.
RunningKernel ReadRunningKernel();

// Symbolizes the kernel locations of p in place with the kernel that
// `read_kernel` gives (called only when p has kernel locations:
// /proc/kallsyms is ~10 MB); mappings with symbols are left alone.
void SymbolizeKernel(Profile& p, const std::function<RunningKernel()>& read_kernel);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_KERNEL_SYMBOLIZER_H_
