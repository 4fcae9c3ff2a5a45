#include "base/test_support.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "base/error.h"
#include "base/fs_util.h"

namespace ocimake {
namespace testing {

namespace fs = std::filesystem;

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ocimake-unit-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void WriteTestFile(const std::string& path, const std::string& content, int mode) {
  MakeDirs(DirName(path));
  WriteFileAtomic(path, content);
  chmod(path.c_str(), static_cast<mode_t>(mode));
}

void MakeSymlink(const std::string& target, const std::string& link) {
  MakeDirs(DirName(link));
  if (symlink(target.c_str(), link.c_str()) != 0) throw std::runtime_error("symlink " + link);
}

void CopyTestFile(const std::string& from, const std::string& to) {
  MakeDirs(DirName(to));
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace testing
}  // namespace ocimake
