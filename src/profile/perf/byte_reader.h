// Bounds-checked little-endian reads over perf.data's bytes. Every read past
// the end throws FormatError, which the readers turn into one error line.
#ifndef CPPROF_PROFILE_PERF_BYTE_READER_H_
#define CPPROF_PROFILE_PERF_BYTE_READER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cpprof::perf {

struct FormatError {
  std::string message;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view data, const char* what = "record") : data_(data), what_(what) {}

  template <typename T>
  T Read() {
    T v;
    std::memcpy(&v, Bytes(sizeof(T)).data(), sizeof(T));
    return v;
  }
  uint64_t U64() { return Read<uint64_t>(); }
  uint32_t U32() { return Read<uint32_t>(); }
  std::string_view Bytes(uint64_t n) {
    if (n > data_.size() - pos_) {
      throw FormatError{std::string("truncated ") + what_ + ": needs " + std::to_string(n) + " bytes at offset " +
                        std::to_string(pos_) + " of " + std::to_string(data_.size())};
    }
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  void Skip(uint64_t n) { Bytes(n); }
  // A NUL-terminated string padded to the end of the data (perf pads names to 8 bytes).
  std::string_view CString() {
    std::string_view rest = data_.substr(pos_);
    pos_ = data_.size();
    return rest.substr(0, rest.find('\0'));
  }
  size_t pos() const { return pos_; }
  size_t left() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  const char* what_;
  size_t pos_ = 0;
};

}  // namespace cpprof::perf

#endif  // CPPROF_PROFILE_PERF_BYTE_READER_H_
