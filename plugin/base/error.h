// One error type for the whole tool. Every failure is a single line that names
// the thing and what was expected; each level adds its own context in front
// ("image hello: base build/base: blob sha256:ab..: digest mismatch: ...").
#ifndef OCIMAKE_BASE_ERROR_H_
#define OCIMAKE_BASE_ERROR_H_

#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace ocimake {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws an Error whose message is the formatted text.
template <typename... Args>
[[noreturn]] void Fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

// Throws an Error naming a failed system call with strerror(errno).
[[noreturn]] void FailErrno(const std::string& what);

// Runs fn(); an Error it throws is re-thrown with "context: " in front.
template <typename Fn>
auto WithContext(const std::string& context, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error& e) {
    throw Error(context + ": " + e.what());
  }
}

}  // namespace ocimake

#endif  // OCIMAKE_BASE_ERROR_H_
