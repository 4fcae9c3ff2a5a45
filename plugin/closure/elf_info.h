// What the dynamic loader needs to know about an ELF file, read with libelf.
#ifndef OCIMAKE_CLOSURE_ELF_INFO_H_
#define OCIMAKE_CLOSURE_ELF_INFO_H_

#include <string>
#include <string_view>
#include <vector>

namespace ocimake {

struct ElfInfo {
  int elf_class = 0;  // ELFCLASS32 / ELFCLASS64
  int machine = 0;    // EM_X86_64, EM_AARCH64, ...
  std::string interpreter;  // PT_INTERP, empty for libraries and static files
  std::vector<std::string> needed;   // DT_NEEDED, in order
  std::vector<std::string> runpath;  // DT_RUNPATH, split at ':'
  std::vector<std::string> rpath;    // DT_RPATH, split at ':'
  std::string soname;
  bool compatible(const ElfInfo& o) const {
    return elf_class == o.elf_class && machine == o.machine;
  }
};

// The symbol versions an ELF file needs (SHT_GNU_verneed) and defines
// (SHT_GNU_verdef, without the entry that only names the file itself).
struct VersionNeed {
  std::string file;     // the DT_NEEDED name it is needed from ("libc.so.6")
  std::string version;  // "GLIBC_2.34"
  bool weak = false;    // VER_FLG_WEAK: ld.so does not insist on it
};
struct ElfVersions {
  std::vector<VersionNeed> needs;
  std::vector<std::string> defined;
};

// True when the file starts with the ELF magic.
bool IsElfFile(const std::string& path);
// True when a file's first bytes are the ELF magic.
bool HasElfMagic(std::string_view head);
// Reads an ELF file's dynamic information; fails naming the file when it is
// not a readable ELF object.
ElfInfo ReadElfInfo(const std::string& path);
// Reads an ELF file's version needs and definitions (none: empty lists);
// fails naming the file when it is not a readable ELF object.
ElfVersions ReadElfVersions(const std::string& path);

}  // namespace ocimake

#endif  // OCIMAKE_CLOSURE_ELF_INFO_H_
