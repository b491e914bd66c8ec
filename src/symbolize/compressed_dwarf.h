// The DWARF of an ELF file whose debug sections are compressed
// (SHF_COMPRESSED, zlib: how Debian's libc6-dbg and `gcc -gz` ship them),
// opened with only the sections a symbolizer reads, inflated by libdeflate
// into huge pages.
//
// libdw's dwarf_begin_elf inflates every compressed debug section with zlib,
// one page fault per 4 KiB of output. For libc's debug file that is 10 MB
// (5.8 MB of it .debug_info) and took 150 ms of CPU at every profile write
// on our 2-vCPU machines, half again the run of a 330 ms test binary
// (bench/exit_symbolize.sh). libdeflate inflates it about 2.5x faster, the
// 2 MiB pages of one mapping take ~5 faults instead of ~2,500 (18 ms of the
// 31 ms .debug_info cost), and the location lists (1.4 MB, variables'
// locations: no frame reads them), macros and CFI are left out.
//
// Not thread-safe. Owns its mapping, libelf and libdw handles; DIEs read
// from dwarf() are valid while the object lives.
#ifndef CPPROF_SYMBOLIZE_COMPRESSED_DWARF_H_
#define CPPROF_SYMBOLIZE_COMPRESSED_DWARF_H_

#include <elfutils/libdw.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cpprof {

class CompressedDwarf {
 public:
  // The file at `path` when its .debug_info is zlib-compressed and
  // everything a symbolizer reads can be inflated here, after reading only
  // its section headers; nullptr otherwise (uncompressed DWARF, which libdw
  // reads in place; .zdebug or zstd sections; a DWARF supplementary file;
  // a relocatable or non-native ELF; an unreadable file): read those with
  // libdw as they are.
  static std::unique_ptr<CompressedDwarf> Find(const std::string& path);

  ~CompressedDwarf();
  CompressedDwarf(const CompressedDwarf&) = delete;
  CompressedDwarf& operator=(const CompressedDwarf&) = delete;

  // The DWARF, inflated on the first call; nullptr if the sections do not
  // inflate (a corrupt file).
  Dwarf* dwarf();

 private:
  struct Section {
    std::string name;
    uint64_t flags = 0;  // without SHF_COMPRESSED
    uint64_t size = 0;   // inflated
    uint64_t align = 1;  // inflated
    uint64_t entsize = 0;
    const void* data = nullptr;  // in the file's mapping
    size_t data_size = 0;
    bool compressed = false;
  };

  CompressedDwarf() = default;
  void Inflate();

  void* file_ = nullptr;  // the file, mapped read-only
  size_t file_size_ = 0;
  unsigned char ident_[16] = {};
  uint16_t machine_ = 0, type_ = 0;
  std::vector<Section> sections_;

  bool tried_ = false;
  void* image_ = nullptr;  // the in-memory ELF file handed to libelf
  size_t image_size_ = 0;  // mapped, a multiple of 2 MiB
  Elf* elf_ = nullptr;
  Dwarf* dwarf_ = nullptr;
};

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_COMPRESSED_DWARF_H_
