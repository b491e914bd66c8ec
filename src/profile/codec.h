// Reading and writing profile.proto: gzip sniffing, protobuf decoding into the
// columnar model (then validation, validate.h), and gzipped encoding. One header
// for the two directions, as pprof's profile.go has Parse and Write: decode.cc
// implements ParseProfile and DecodeProfile, encode.cc EncodeProfile and
// WriteProfile; there is no codec.cc.
#ifndef CPPROF_PROFILE_CODEC_H_
#define CPPROF_PROFILE_CODEC_H_

#include <string>
#include <string_view>

#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

namespace perf {
class UserStackUnwinder;
}

// Parses a profile.proto, gzipped or not, or, as pprof does, one of the
// formats it recognizes otherwise: legacy profiles, and perf's outputs
// (perf.data by its magic; `perf script` text and folded stacks by content,
// after the legacy formats). Errors read like pprof's: "parsing profile:
// ...", "malformed profile: ...", "decompressing profile: ...". `unwinder`
// unwinds the user stacks of `perf record --call-graph dwarf` files.
// It consumes the bytes: a gzip stream's compressed bytes are freed as soon
// as they are inflated, so that the pages they took serve decoding instead
// of fresh ones (system time of -top on bench/run.sh's profile: 0.24 ->
// 0.16 s, means of 8 runs).
Result<Profile> ParseProfile(Bytes bytes, const perf::UserStackUnwinder* unwinder = nullptr);
// The same on a copy, for callers that keep their bytes (tests, fuzzers).
Result<Profile> ParseProfile(std::string_view bytes, const perf::UserStackUnwinder* unwinder = nullptr);

// Decodes an uncompressed profile.proto without the final validation.
Result<Profile> DecodeProfile(std::string_view data);

// Serializes to profile.proto (uncompressed).
std::string EncodeProfile(const Profile& p);

// Serializes and gzips, as pprof writes profiles to disk.
std::string WriteProfile(const Profile& p);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_CODEC_H_
