#include "base/test_support.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
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

namespace {

// One "KIND:NAME[:ARG]" entry of WriteTestTar into `a`.
void AddTestEntry(archive* a, const std::string& spec) {
  char kind = spec.at(0);
  std::string rest = spec.substr(2);
  auto colon = rest.find(':');
  std::string name = rest.substr(0, colon);
  std::string arg = colon == std::string::npos ? "" : rest.substr(colon + 1);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, kind == 's' ? 04755 : kind == 'd' ? 0755 : 0644);
  if (kind == 's') arg = "suid";
  if (kind == 'd') archive_entry_set_filetype(e, AE_IFDIR);
  if (kind == 'l') archive_entry_set_filetype(e, AE_IFLNK);
  if (kind == 'l') archive_entry_set_symlink(e, arg.c_str());
  if (kind == 'h') archive_entry_set_hardlink(e, arg.c_str());
  if (kind == 'c') archive_entry_set_filetype(e, AE_IFCHR);
  if (kind == 'c') archive_entry_set_rdev(e, makedev(1, 3));
  bool data = kind == 'f' || kind == 's';
  archive_entry_set_size(e, data ? static_cast<la_int64_t>(arg.size()) : 0);
  if (archive_write_header(a, e) != ARCHIVE_OK)
    throw std::runtime_error("tar header " + name + ": " + archive_error_string(a));
  if (data) archive_write_data(a, arg.data(), arg.size());
  archive_entry_free(e);
}

}  // namespace

void WriteTestTar(const std::string& path, const std::vector<std::string>& entries) {
  MakeDirs(DirName(path));
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0)
    archive_write_add_filter_gzip(a);
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK)
    throw std::runtime_error("creating " + path);
  for (const auto& spec : entries) AddTestEntry(a, spec);
  archive_write_close(a);
  archive_write_free(a);
}

}  // namespace testing
}  // namespace ocimake
