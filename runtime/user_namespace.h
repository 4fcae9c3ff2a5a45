// The user namespace an unprivileged caller needs to create the others.

#ifndef OCIMAKE_RUNTIME_USER_NAMESPACE_H_
#define OCIMAKE_RUNTIME_USER_NAMESPACE_H_

#include <sys/types.h>

#include <string>

namespace ocimake::sandbox {

// Whether ERROR, from clone() or unshare() with CLONE_NEWUSER, means that the
// kernel refuses (unprivileged) user namespaces: EPERM, EINVAL, ENOSPC,
// EUSERS or EACCES.
bool IsUserNamespaceRefusal(int error);

// Prints one line: "<what>: <strerror(error)>: <cause>; check sysctl ...",
// naming each of user.max_user_namespaces,
// kernel.unprivileged_userns_clone (Debian/Ubuntu kernels) and
// kernel.apparmor_restrict_unprivileged_userns (Ubuntu >= 23.10) that this
// kernel has, with its current value and the value needed.
void ReportUserNamespaceRefusal(const std::string& what, int error);

// Run by the first process of a new user namespace: writes "deny" to
// /proc/self/setgroups, then maps INSIDE_UID to OUTSIDE_UID and INSIDE_GID
// to OUTSIDE_GID, one id each (all an unprivileged process may map).
// Returns false after printing an error.
bool WriteIdMaps(uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
                 gid_t outside_gid);

}  // namespace ocimake::sandbox

#endif  // OCIMAKE_RUNTIME_USER_NAMESPACE_H_
