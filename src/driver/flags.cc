#include "driver/flags.h"

#include <cerrno>
#include <cstdlib>

namespace cpprof {

bool ParseGoBool(const std::string& s, bool* out) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
    *out = true;
    return true;
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    *out = false;
    return true;
  }
  return false;
}

namespace {

// strconv.ParseInt(s, 0, 64): optional sign, 0x/0o/0b/0 prefixes, '_'
// separators only with a prefix.
Status ParseGoInt(std::string s, int* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.erase(0, 1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    base = c == 'x' ? 16 : c == 'b' ? 2 : 8;
    s.erase(0, c == 'x' || c == 'o' || c == 'b' ? 2 : 1);
    std::erase(s, '_');
  }
  if (s.empty()) return Status::Error("parse error");
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return Status::Error("parse error");
  }
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, base);
  if (*end != '\0') return Status::Error("parse error");
  if (errno == ERANGE) return Status::Error("value out of range");
  if (neg) v = -v;
  if (v > INT32_MAX || v < INT32_MIN) return Status::Error("value out of range");
  *out = static_cast<int>(v);
  return Status();
}

Status ParseGoFloat(const std::string& s, double* out) {
  std::string t = s;
  std::erase(t, '_');
  if (t.empty()) return Status::Error("parse error");
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (*end != '\0') return Status::Error("parse error");
  if (errno == ERANGE && (v > 1 || v < -1)) return Status::Error("value out of range");
  *out = v;
  return Status();
}

}  // namespace

void FlagSet::Bool(const std::string& name, bool* target, const std::string&) { flags_[name] = {Kind::kBool, target}; }
void FlagSet::Int(const std::string& name, int* target, const std::string&) { flags_[name] = {Kind::kInt, target}; }
void FlagSet::Float(const std::string& name, double* target, const std::string&) {
  flags_[name] = {Kind::kFloat, target};
}
void FlagSet::String(const std::string& name, std::string* target, const std::string&) {
  flags_[name] = {Kind::kString, target};
}

Status FlagSet::Set(const std::string& name, const Flag& flag, const std::string& value) {
  switch (flag.kind) {
    case Kind::kBool:
      if (!ParseGoBool(value, static_cast<bool*>(flag.target))) return Status::Error("parse error");
      break;
    case Kind::kInt:
      if (Status s = ParseGoInt(value, static_cast<int*>(flag.target)); !s.ok()) return s;
      break;
    case Kind::kFloat:
      if (Status s = ParseGoFloat(value, static_cast<double*>(flag.target)); !s.ok()) return s;
      break;
    case Kind::kString: *static_cast<std::string*>(flag.target) = value; break;
  }
  set_[name] = true;
  return Status();
}

Result<std::vector<std::string>> FlagSet::Parse(const std::vector<std::string>& args, bool* help) {
  *help = false;
  size_t i = 0;
  while (i < args.size()) {
    const std::string& s = args[i];
    if (s.size() < 2 || s[0] != '-') break;
    size_t minuses = 1;
    if (s[1] == '-') {
      minuses = 2;
      if (s.size() == 2) {
        ++i;
        break;
      }
    }
    std::string name = s.substr(minuses);
    if (name.empty() || name[0] == '-' || name[0] == '=') return Status::Error("bad flag syntax: " + s);
    ++i;
    bool has_value = false;
    std::string value;
    if (size_t eq = name.find('=', 1); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end()) {
      if (name == "help" || name == "h") {
        *help = true;
        return std::vector<std::string>{};
      }
      return Status::Error("flag provided but not defined: -" + name);
    }
    if (it->second.kind == Kind::kBool) {
      if (Status st = Set(name, it->second, has_value ? value : "true"); !st.ok()) {
        return Status::Error("invalid boolean value \"" + value + "\" for -" + name + ": " + st.message());
      }
      continue;
    }
    if (!has_value && i < args.size()) {
      value = args[i++];
      has_value = true;
    }
    if (!has_value) return Status::Error("flag needs an argument: -" + name);
    if (Status st = Set(name, it->second, value); !st.ok()) {
      return Status::Error("invalid value \"" + value + "\" for flag -" + name + ": " + st.message());
    }
  }
  return std::vector<std::string>(args.begin() + static_cast<long>(i), args.end());
}

}  // namespace cpprof
