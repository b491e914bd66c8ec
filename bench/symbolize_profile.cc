// Writes the profile the symbolization benchmark reads: N distinct addresses
// (default 100000) spread evenly over the executable segment of an ELF
// library, one sample of 1 each, in a mapping placed as the loader would
// place it (a PIE/shared-object bias of 0x7f0000000000). No symbols: the
// analysis tool must symbolize every address.
// usage: symbolize_profile LIBRARY OUT.pb.gz [N]
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "profile/codec.h"
#include "symbolize/elf_image.h"

int main(int argc, char** argv) {
  using namespace cpprof;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s LIBRARY OUT.pb.gz [N]\n", argv[0]);
    return 2;
  }
  size_t n = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 100000;
  Result<ElfImage> image = ReadElfImage(argv[1]);
  if (!image.ok()) {
    std::fprintf(stderr, "%s\n", image.status().message().c_str());
    return 1;
  }
  const LoadSegment* text = nullptr;
  for (const LoadSegment& s : image->loads) {
    if (s.executable) text = &s;
  }
  if (text == nullptr || text->filesz < n) {
    std::fprintf(stderr, "%s: no executable segment of %zu bytes\n", argv[1], n);
    return 1;
  }
  constexpr uint64_t kBias = 0x7f0000000000;
  Profile p;
  auto S = [&](const std::string& s) { return p.strings.Intern(s); };
  p.sample_types = {{S("samples"), S("count")}};
  Mapping m;
  m.id = 1;
  m.offset = text->offset & ~uint64_t{4095};
  m.start = kBias + text->vaddr - (text->offset - m.offset);
  m.limit = kBias + text->vaddr + text->filesz;
  m.file = S(argv[1]);
  m.build_id = S(image->build_id);
  p.mappings.push_back(m);
  uint64_t step = text->filesz / n;
  for (size_t i = 0; i < n; ++i) {
    Location l;
    l.id = i + 1;
    l.mapping = 0;
    l.address = kBias + text->vaddr + i * step;
    p.locations.push_back(l);
    p.stacks.push_back(static_cast<uint32_t>(i));
    p.samples.push_back({static_cast<uint32_t>(i), 1, 0, 0});
    p.values.push_back(1);
  }
  std::ofstream(argv[2], std::ios::binary) << WriteProfile(p);
  return 0;
}
