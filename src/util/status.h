// Status and Result: analysis-side errors as values with context, never exceptions
// across stage boundaries (see STYLE.md habit 8).
#ifndef CPPROF_UTIL_STATUS_H_
#define CPPROF_UTIL_STATUS_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cpprof {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !message_.has_value(); }
  const std::string& message() const { return *message_; }

  // Prefixes the message with the name of the stage it travelled through,
  // as pprof does ("parsing profile: ...").
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(context + ": " + *message_);
  }

 private:
  explicit Status(std::string message) : message_(std::move(message)) {}
  std::optional<std::string> message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
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
