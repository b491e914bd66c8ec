// Command-line flags parsed exactly as Go's flag package parses them, which is
// what pprof users type: -flag, --flag, -flag=value, -flag value (not for
// bools), and parsing stops at the first argument that is not a flag.
#ifndef CPPROF_DRIVER_FLAGS_H_
#define CPPROF_DRIVER_FLAGS_H_

#include <map>
#include <string>
#include <vector>

#include "util/status.h"

namespace cpprof {

class FlagSet {
 public:
  void Bool(const std::string& name, bool* target, const std::string& help = "");
  void Int(const std::string& name, int* target, const std::string& help = "");
  void Float(const std::string& name, double* target, const std::string& help = "");
  void String(const std::string& name, std::string* target, const std::string& help = "");

  // Parses args; returns the positional arguments. An error's message is
  // what Go prints ("flag provided but not defined: -x"). -h and -help set
  // *help and stop.
  Result<std::vector<std::string>> Parse(const std::vector<std::string>& args, bool* help);

  bool IsSet(const std::string& name) const { return set_.count(name) != 0; }

 private:
  enum class Kind { kBool, kInt, kFloat, kString };
  struct Flag {
    Kind kind;
    void* target;
  };
  Status Set(const std::string& name, const Flag& flag, const std::string& value);

  std::map<std::string, Flag> flags_;
  std::map<std::string, bool> set_;
};

// Go's strconv.ParseBool.
bool ParseGoBool(const std::string& s, bool* out);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_FLAGS_H_
