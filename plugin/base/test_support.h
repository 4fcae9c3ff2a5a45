// Helpers of the unit tests: a scratch directory and small file builders.
#ifndef OCIMAKE_BASE_TEST_SUPPORT_H_
#define OCIMAKE_BASE_TEST_SUPPORT_H_

#include <functional>
#include <string>
#include <vector>

namespace ocimake {
namespace testing {

// A fresh directory under $TMPDIR, removed when the object goes.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void WriteTestFile(const std::string& path, const std::string& content, int mode = 0644);
void MakeSymlink(const std::string& target, const std::string& link);
void CopyTestFile(const std::string& from, const std::string& to);
// The message of the Error `f` throws; "(no error)" when it throws none.
std::string ErrorOf(const std::function<void()>& f);

// Writes a pax tar (gzip-compressed when `path` ends in ".gz") of crafted
// entries, one "KIND:NAME[:ARG]" each, as tests/cli/make_tar.py takes them:
//   f:NAME:CONTENT  file (0644)       d:NAME         directory (0755)
//   l:NAME:TARGET   symlink           h:NAME:TARGET  hardlink
//   c:NAME          char device 1,3   s:NAME         setuid-root file (04755)
// NAME is written as given: "../x" and "/etc/x" are possible.
void WriteTestTar(const std::string& path, const std::vector<std::string>& entries);

}  // namespace testing
}  // namespace ocimake

#endif  // OCIMAKE_BASE_TEST_SUPPORT_H_
