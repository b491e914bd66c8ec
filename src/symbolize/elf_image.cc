// Tested by tests/symbolize/unit_ranges_test.cc, compressed_dwarf_test.cc and
// tests/fuzz/elf_fuzzer.cc.
#include "symbolize/elf_image.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cpprof {
namespace {

constexpr uint32_t kNtGnuBuildId = 3;  // NT_GNU_BUILD_ID

std::string Hex(const unsigned char* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < size; ++i) out += {kDigits[data[i] >> 4], kDigits[data[i] & 15]};
  return out;
}

// The GNU build id from the PT_NOTE segments (present in stripped files
// and in separate debug files alike).
std::string BuildId(Elf* elf, size_t phnum) {
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf, static_cast<int>(i), &ph) == nullptr || ph.p_type != PT_NOTE) continue;
    Elf_Data* data = elf_getdata_rawchunk(elf, static_cast<int64_t>(ph.p_offset), ph.p_filesz, ELF_T_NHDR);
    if (data == nullptr) continue;
    GElf_Nhdr nh;
    size_t off = 0, name_off = 0, desc_off = 0;
    while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
      const char* base = static_cast<const char*>(data->d_buf);
      if (nh.n_type == kNtGnuBuildId && nh.n_namesz == 4 && std::memcmp(base + name_off, "GNU", 4) == 0) {
        return Hex(reinterpret_cast<const unsigned char*>(base + desc_off), nh.n_descsz);
      }
    }
  }
  return "";
}

}  // namespace

Result<ElfImage> ReadElfImage(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error("open " + path + ": " + std::strerror(errno));
  elf_version(EV_CURRENT);
  Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  Result<ElfImage> out = Status::Error("parsing " + path + ": not an ELF file");
  GElf_Ehdr eh;
  size_t phnum = 0;
  if (elf != nullptr && elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &eh) != nullptr &&
      elf_getphdrnum(elf, &phnum) == 0) {
    ElfImage image;
    image.shared = eh.e_type == ET_DYN;
    image.build_id = BuildId(elf, phnum);
    bool complete = true;
    for (size_t i = 0; i < phnum && complete; ++i) {
      GElf_Phdr ph;
      complete = gelf_getphdr(elf, static_cast<int>(i), &ph) != nullptr;
      if (complete && ph.p_type == PT_LOAD) {
        image.loads.push_back({ph.p_offset, ph.p_vaddr, ph.p_filesz, (ph.p_flags & PF_X) != 0});
      }
    }
    if (complete && !image.loads.empty()) {
      out = std::move(image);
    } else {
      out = Status::Error("parsing " + path + ": malformed ELF headers: " + elf_errmsg(-1));
    }
    // A truncated file keeps its program headers (at the start) but loses
    // sections: say so here, once, rather than symbolize from half a file.
    struct stat st;
    size_t shnum = 0;
    if (out.ok() && (fstat(fd, &st) != 0 || elf_getshdrnum(elf, &shnum) != 0 ||
                     eh.e_shoff + uint64_t{eh.e_shnum} * eh.e_shentsize > static_cast<uint64_t>(st.st_size))) {
      out = Status::Error("parsing " + path + ": cannot read section headers (truncated file?)");
    }
    for (size_t i = 1; out.ok() && i < shnum; ++i) {
      GElf_Shdr sh;
      Elf_Scn* scn = elf_getscn(elf, i);
      if (scn == nullptr || gelf_getshdr(scn, &sh) == nullptr ||
          (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > static_cast<uint64_t>(st.st_size))) {
        out = Status::Error(
            fmt::format("parsing {}: section {} ends past the end of the file (truncated file?)", path, i));
      }
    }
  } else if (elf != nullptr && elf_kind(elf) == ELF_K_ELF) {
    out = Status::Error("parsing " + path + ": malformed ELF headers: " + elf_errmsg(-1));
  }
  if (elf != nullptr) elf_end(elf);
  close(fd);
  return out;
}

uint64_t LoadBias(const ElfImage& image, uint64_t start, uint64_t limit, uint64_t offset) {
  if (start == 0 && limit == 0) return 0;
  // The segment holding the mapping's first byte; executable segments first,
  // since profiles map only code and a page may hold the end of the
  // preceding read-only segment too.
  const LoadSegment* found = nullptr;
  for (const LoadSegment& s : image.loads) {
    if (offset < s.offset - s.offset % 4096 || offset >= s.offset + s.filesz) continue;
    if (found == nullptr || (s.executable && !found->executable)) found = &s;
  }
  if (found == nullptr) return image.shared ? start - offset : 0;
  return start - offset + found->offset - found->vaddr;
}

}  // namespace cpprof
