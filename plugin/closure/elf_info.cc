#include "closure/elf_info.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <sstream>

#include "base/error.h"

namespace ocimake {

namespace {

std::vector<std::string> SplitColon(const char* text) {
  std::vector<std::string> out;
  std::istringstream in(text ? text : "");
  std::string part;
  while (std::getline(in, part, ':'))
    if (!part.empty()) out.push_back(part);
  return out;
}

class ElfHandle {
 public:
  explicit ElfHandle(const std::string& path) : path_(path) {
    if (elf_version(EV_CURRENT) == EV_NONE) Fail("libelf: {}", elf_errmsg(-1));
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) FailErrno("opening " + path);
    elf_ = elf_begin(fd_, ELF_C_READ, nullptr);
    if (!elf_ || elf_kind(elf_) != ELF_K_ELF) Fail("{}: not an ELF file", path);
  }
  ~ElfHandle() {
    if (elf_) elf_end(elf_);
    if (fd_ >= 0) close(fd_);
  }
  Elf* get() const { return elf_; }
  int fd() const { return fd_; }

 private:
  std::string path_;
  int fd_ = -1;
  Elf* elf_ = nullptr;
};

std::string ReadInterpreter(const ElfHandle& h, const std::string& path) {
  size_t count = 0;
  if (elf_getphdrnum(h.get(), &count) != 0) return "";
  for (size_t i = 0; i < count; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(h.get(), static_cast<int>(i), &ph) || ph.p_type != PT_INTERP) continue;
    if (ph.p_filesz == 0 || ph.p_filesz > 4096) Fail("{}: bad PT_INTERP size", path);
    std::string interp(ph.p_filesz, '\0');
    if (pread(h.fd(), interp.data(), interp.size(), static_cast<off_t>(ph.p_offset)) !=
        static_cast<ssize_t>(interp.size()))
      Fail("{}: cannot read PT_INTERP", path);
    return interp.substr(0, interp.find('\0'));
  }
  return "";
}

void ReadDynamic(const ElfHandle& h, ElfInfo* info) {
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(h.get(), scn)) != nullptr) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || sh.sh_entsize == 0) continue;
    size_t count = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      GElf_Dyn dyn;
      if (!gelf_getdyn(data, static_cast<int>(i), &dyn)) break;
      if (dyn.d_tag == DT_NULL) break;
      const char* s = nullptr;
      switch (dyn.d_tag) {
        case DT_NEEDED:
        case DT_RUNPATH:
        case DT_RPATH:
        case DT_SONAME:
          s = elf_strptr(h.get(), sh.sh_link, dyn.d_un.d_val);
          break;
        default:
          continue;
      }
      if (!s) continue;
      if (dyn.d_tag == DT_NEEDED) info->needed.push_back(s);
      if (dyn.d_tag == DT_RUNPATH) info->runpath = SplitColon(s);
      if (dyn.d_tag == DT_RPATH) info->rpath = SplitColon(s);
      if (dyn.d_tag == DT_SONAME) info->soname = s;
    }
  }
}

// The section of `type` (its header in *sh), or nullptr.
Elf_Scn* FindSection(const ElfHandle& h, uint32_t type, GElf_Shdr* sh) {
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(h.get(), scn)) != nullptr)
    if (gelf_getshdr(scn, sh) && sh->sh_type == type) return scn;
  return nullptr;
}

std::string StringAt(const ElfHandle& h, const GElf_Shdr& sh, size_t offset,
                     const std::string& path) {
  const char* s = elf_strptr(h.get(), sh.sh_link, offset);
  if (!s) Fail("{}: bad string offset in a symbol version section", path);
  return s;
}

void ReadVersionNeeds(const ElfHandle& h, const std::string& path, ElfVersions* out) {
  GElf_Shdr sh;
  Elf_Scn* scn = FindSection(h, SHT_GNU_verneed, &sh);
  Elf_Data* data = scn ? elf_getdata(scn, nullptr) : nullptr;
  if (!data) return;
  size_t offset = 0;
  for (size_t i = 0; i < sh.sh_info; ++i) {
    GElf_Verneed vn;
    if (!gelf_getverneed(data, static_cast<int>(offset), &vn))
      Fail("{}: bad SHT_GNU_verneed section", path);
    std::string file = StringAt(h, sh, vn.vn_file, path);
    size_t aux = offset + vn.vn_aux;
    for (size_t j = 0; j < vn.vn_cnt; ++j) {
      GElf_Vernaux vna;
      if (!gelf_getvernaux(data, static_cast<int>(aux), &vna))
        Fail("{}: bad SHT_GNU_verneed entry", path);
      out->needs.push_back({file, StringAt(h, sh, vna.vna_name, path),
                            (vna.vna_flags & VER_FLG_WEAK) != 0});
      if (vna.vna_next == 0) break;
      aux += vna.vna_next;
    }
    if (vn.vn_next == 0) break;
    offset += vn.vn_next;
  }
}

void ReadVersionDefinitions(const ElfHandle& h, const std::string& path, ElfVersions* out) {
  GElf_Shdr sh;
  Elf_Scn* scn = FindSection(h, SHT_GNU_verdef, &sh);
  Elf_Data* data = scn ? elf_getdata(scn, nullptr) : nullptr;
  if (!data) return;
  size_t offset = 0;
  for (size_t i = 0; i < sh.sh_info; ++i) {
    GElf_Verdef vd;
    GElf_Verdaux vda;
    if (!gelf_getverdef(data, static_cast<int>(offset), &vd) ||
        !gelf_getverdaux(data, static_cast<int>(offset + vd.vd_aux), &vda))
      Fail("{}: bad SHT_GNU_verdef section", path);
    if (!(vd.vd_flags & VER_FLG_BASE))
      out->defined.push_back(StringAt(h, sh, vda.vda_name, path));
    if (vd.vd_next == 0) break;
    offset += vd.vd_next;
  }
}

}  // namespace

bool HasElfMagic(std::string_view head) { return head.substr(0, 4) == "\x7f" "ELF"; }

bool IsElfFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  char magic[4] = {};
  bool elf = read(fd, magic, 4) == 4 && HasElfMagic(std::string_view(magic, 4));
  close(fd);
  return elf;
}

ElfInfo ReadElfInfo(const std::string& path) {
  ElfHandle h(path);
  ElfInfo info;
  GElf_Ehdr eh;
  if (!gelf_getehdr(h.get(), &eh)) Fail("{}: cannot read ELF header", path);
  info.elf_class = eh.e_ident[EI_CLASS];
  info.machine = eh.e_machine;
  info.interpreter = ReadInterpreter(h, path);
  ReadDynamic(h, &info);
  return info;
}

ElfVersions ReadElfVersions(const std::string& path) {
  ElfHandle h(path);
  ElfVersions versions;
  ReadVersionNeeds(h, path, &versions);
  ReadVersionDefinitions(h, path, &versions);
  return versions;
}

}  // namespace ocimake
