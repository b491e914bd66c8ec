// Status and Result: analysis-side errors as values with context, never exceptions
// across stage boundaries (see STYLE.md habit 8).
#ifndef CPPROF_UTIL_STATUS_H_
#define CPPROF_UTIL_STATUS_H_

#include <string>
#include <utility>
#include <variant>

namespace cpprof {

// A code says what the caller may do next, the message what happened (for
// people: it may be reworded without changing any decision). The codes are the
// ones some caller decides by, as LevelDB's Status codes (IsNotFound,
// IsCorruption) and pprof's sentinel errors (errNoData, errConcatProfile,
// errUnrecognized, errMalformed) are.
class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kError,         // any other failure
    kUnrecognized,  // not this format: the caller tries its next parser
    kMalformed,     // this format, but invalid: no other parser is tried
    kNoData,        // empty input: no parser applies (pprof's errNoData)
    kConcatenated,  // two profiles in one protobuf (pprof's errConcatProfile)
  };

  Status() = default;
  static Status Error(std::string message) { return Status(Code::kError, std::move(message)); }
  static Status Unrecognized(std::string message) { return Status(Code::kUnrecognized, std::move(message)); }
  static Status Malformed(std::string message) { return Status(Code::kMalformed, std::move(message)); }
  static Status NoData(std::string message) { return Status(Code::kNoData, std::move(message)); }
  static Status Concatenated(std::string message) { return Status(Code::kConcatenated, std::move(message)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsUnrecognized() const { return code_ == Code::kUnrecognized; }
  bool IsMalformed() const { return code_ == Code::kMalformed; }
  const std::string& message() const { return message_; }

  // Prefixes the message with the name of the stage it travelled through,
  // as pprof does ("parsing profile: ..."); the code stays.
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(value_); }
  Status status() const { return ok() ? Status() : std::get<Status>(value_); }
  T& value() & { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &std::get<T>(value_); }
  T& operator*() & { return std::get<T>(value_); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace cpprof

#endif  // CPPROF_UTIL_STATUS_H_
