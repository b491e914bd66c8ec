// Tested by tests/symbolize/compressed_dwarf_test.cc and
// tests/runtime/cpu_profile_test.cc (libc's frames through libc6-dbg);
// measured by bench/exit_symbolize.sh.
#include "symbolize/compressed_dwarf.h"

#include <elf.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <libelf.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

namespace cpprof {
namespace {

// What ElfSymbolizer and ScopeIndex read: units and their abbreviations,
// address ranges, line tables, names. Left out: .debug_loc(lists) (where
// variables live; 1.4 of libc's 10 MB), .debug_macro, .debug_frame,
// .debug_pub*, .debug_names, .debug_types.
constexpr std::string_view kReadSections[] = {
    ".debug_info", ".debug_abbrev",      ".debug_aranges", ".debug_line",   ".debug_line_str",
    ".debug_str",  ".debug_str_offsets", ".debug_addr",    ".debug_ranges", ".debug_rnglists",
};

// More than any debug file we know (libc's inflates to 10 MB); past it the
// file is left to libdw.
constexpr uint64_t kMaxInflated = uint64_t{1} << 30;
constexpr size_t kHugePage = size_t{2} << 20;

bool IsRead(std::string_view name) {
  for (std::string_view s : kReadSections) {
    if (name == s) return true;
  }
  return false;
}

uint64_t AlignUp(uint64_t n, uint64_t align) { return (n + align - 1) / align * align; }

// A zeroed mapping of at least `size` bytes starting on a 2 MiB boundary,
// backed by transparent huge pages where the kernel allows them (its
// default, "madvise", does). *mapped is its length.
void* MapHugePages(size_t size, size_t* mapped) {
  size_t length = AlignUp(size, kHugePage);
  void* raw = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  auto start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = AlignUp(start, kHugePage);
  if (aligned > start) munmap(raw, aligned - start);
  if (size_t tail = start + length + kHugePage - (aligned + length); tail > 0) {
    munmap(reinterpret_cast<void*>(aligned + length), tail);
  }
  madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  *mapped = length;
  return reinterpret_cast<void*>(aligned);
}

}  // namespace

std::unique_ptr<CompressedDwarf> CompressedDwarf::Find(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st;
  void* file = MAP_FAILED;
  if (fstat(fd, &st) == 0 && st.st_size >= static_cast<off_t>(sizeof(Elf64_Ehdr))) {
    file = mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  }
  close(fd);
  if (file == MAP_FAILED) return nullptr;
  std::unique_ptr<CompressedDwarf> d(new CompressedDwarf);
  d->file_ = file;
  d->file_size_ = st.st_size;

  const auto* bytes = static_cast<const unsigned char*>(file);
  const auto* eh = static_cast<const Elf64_Ehdr*>(file);
  constexpr unsigned char kNativeData = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
  if (std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_ident[EI_DATA] != kNativeData || eh->e_type == ET_REL || eh->e_shentsize != sizeof(Elf64_Shdr) ||
      eh->e_shnum == 0 || eh->e_shstrndx >= eh->e_shnum || eh->e_shoff % alignof(Elf64_Shdr) != 0 ||
      eh->e_shoff > d->file_size_ || eh->e_shnum > (d->file_size_ - eh->e_shoff) / sizeof(Elf64_Shdr)) {
    return nullptr;  // also the extended numbering of more than 65279 sections
  }
  std::memcpy(d->ident_, eh->e_ident, sizeof(d->ident_));
  d->machine_ = eh->e_machine;
  d->type_ = eh->e_type;
  const auto* sh = reinterpret_cast<const Elf64_Shdr*>(bytes + eh->e_shoff);
  auto in_file = [&](const Elf64_Shdr& s) {
    return s.sh_offset <= d->file_size_ && s.sh_size <= d->file_size_ - s.sh_offset;
  };
  const Elf64_Shdr& names = sh[eh->e_shstrndx];
  if (names.sh_type != SHT_STRTAB || !in_file(names)) return nullptr;
  std::string_view strtab(reinterpret_cast<const char*>(bytes + names.sh_offset), names.sh_size);

  bool info_compressed = false;
  uint64_t total = 0;
  for (size_t i = 1; i < eh->e_shnum; ++i) {
    const Elf64_Shdr& s = sh[i];
    if (s.sh_name >= strtab.size()) continue;
    std::string_view name = strtab.substr(s.sh_name);
    name = name.substr(0, name.find('\0'));
    if (name == ".gnu_debugaltlink" || name.substr(0, 8) == ".zdebug_") return nullptr;
    if (!IsRead(name) || s.sh_type == SHT_NOBITS) continue;
    if (!in_file(s)) return nullptr;
    Section out;
    out.name = name;
    out.flags = s.sh_flags & ~uint64_t{SHF_COMPRESSED | SHF_GROUP};
    out.entsize = s.sh_entsize;
    out.data = bytes + s.sh_offset;
    out.data_size = s.sh_size;
    out.compressed = (s.sh_flags & SHF_COMPRESSED) != 0;
    if (out.compressed) {
      Elf64_Chdr ch;
      if (s.sh_size < sizeof(ch)) return nullptr;
      std::memcpy(&ch, out.data, sizeof(ch));
      if (ch.ch_type != ELFCOMPRESS_ZLIB) return nullptr;  // zstd: libdeflate does not read it
      out.size = ch.ch_size;
      out.align = ch.ch_addralign;
      out.data = bytes + s.sh_offset + sizeof(ch);
      out.data_size = s.sh_size - sizeof(ch);
      if (name == ".debug_info") info_compressed = true;
    } else {
      out.size = s.sh_size;
      out.align = s.sh_addralign;
    }
    if (out.align == 0 || (out.align & (out.align - 1)) != 0 || out.align > 64) out.align = 8;
    total += out.size;
    if (out.size > kMaxInflated || total > kMaxInflated) return nullptr;
    d->sections_.push_back(std::move(out));
  }
  if (!info_compressed) return nullptr;
  return d;
}

CompressedDwarf::~CompressedDwarf() {
  if (dwarf_ != nullptr) dwarf_end(dwarf_);
  if (elf_ != nullptr) elf_end(elf_);
  if (image_ != nullptr) munmap(image_, image_size_);
  if (file_ != nullptr) munmap(file_, file_size_);
}

Dwarf* CompressedDwarf::dwarf() {
  if (!tried_) {
    tried_ = true;
    Inflate();
  }
  return dwarf_;
}

// Lays out an ELF file of the read sections, inflated, in one mapping
// (header, sections, section names, section headers) and opens its DWARF.
// Unmaps the file after.
void CompressedDwarf::Inflate() {
  std::string names(1, '\0');
  std::vector<uint64_t> offsets;
  uint64_t at = sizeof(Elf64_Ehdr);
  for (const Section& s : sections_) {
    at = AlignUp(at, s.align);
    offsets.push_back(at);
    at += s.size;
  }
  uint64_t names_offset = at;
  for (const Section& s : sections_) names += s.name + '\0';
  names += ".shstrtab";
  names += '\0';
  uint64_t headers_offset = AlignUp(names_offset + names.size(), alignof(Elf64_Shdr));
  size_t count = sections_.size() + 2;  // the null section and the names
  uint64_t size = headers_offset + count * sizeof(Elf64_Shdr);

  size_t mapped = 0;
  auto* image = static_cast<unsigned char*>(MapHugePages(size, &mapped));
  if (image == nullptr) return;
  image_ = image;
  image_size_ = mapped;

  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ident_, sizeof(ident_));
  eh.e_type = type_;
  eh.e_machine = machine_;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shoff = headers_offset;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = static_cast<uint16_t>(count);
  eh.e_shstrndx = static_cast<uint16_t>(count - 1);
  std::memcpy(image, &eh, sizeof(eh));
  std::memcpy(image + names_offset, names.data(), names.size());

  auto* headers = reinterpret_cast<Elf64_Shdr*>(image + headers_offset);
  libdeflate_decompressor* inflater = libdeflate_alloc_decompressor();
  bool ok = inflater != nullptr;
  uint32_t name = 1;
  for (size_t i = 0; ok && i < sections_.size(); ++i) {
    const Section& s = sections_[i];
    unsigned char* out = image + offsets[i];
    if (s.compressed) {
      ok = libdeflate_zlib_decompress(inflater, s.data, s.data_size, out, s.size, nullptr) == LIBDEFLATE_SUCCESS;
    } else {
      std::memcpy(out, s.data, s.size);
    }
    Elf64_Shdr& h = headers[i + 1];
    h.sh_name = name;
    h.sh_type = SHT_PROGBITS;
    h.sh_flags = s.flags;
    h.sh_offset = offsets[i];
    h.sh_size = s.size;
    h.sh_addralign = s.align;
    h.sh_entsize = s.entsize;
    name += static_cast<uint32_t>(s.name.size() + 1);
  }
  if (inflater != nullptr) libdeflate_free_decompressor(inflater);
  Elf64_Shdr& h = headers[count - 1];
  h.sh_name = name;
  h.sh_type = SHT_STRTAB;
  h.sh_offset = names_offset;
  h.sh_size = names.size();
  h.sh_addralign = 1;

  munmap(file_, file_size_);
  file_ = nullptr;
  sections_.clear();
  if (!ok) return;
  elf_version(EV_CURRENT);
  elf_ = elf_memory(reinterpret_cast<char*>(image), size);
  if (elf_ != nullptr) dwarf_ = dwarf_begin_elf(elf_, DWARF_C_READ, nullptr);
}

}  // namespace cpprof
