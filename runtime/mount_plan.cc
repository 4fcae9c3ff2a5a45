#include "mount_plan.h"

#include <algorithm>

namespace ocimake::sandbox {
namespace {

MountStep::Kind StepKind(MountRequest::Kind kind) {
  switch (kind) {
    case MountRequest::Kind::kBind: return MountStep::Kind::kBind;
    case MountRequest::Kind::kReadOnlyBind:
      return MountStep::Kind::kReadOnlyBind;
    case MountRequest::Kind::kTmpfs: return MountStep::Kind::kTmpfs;
    case MountRequest::Kind::kOverlay: return MountStep::Kind::kOverlay;
  }
  return MountStep::Kind::kTmpfs;
}

}  // namespace

size_t PathDepth(const std::string& path) {
  return PathComponents(path).size();
}

std::vector<std::string> PathComponents(const std::string& path) {
  std::vector<std::string> components;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) components.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return components;
}

std::vector<MountStep> PlanMounts(const std::vector<MountRequest>& requests) {
  std::vector<MountStep> steps = {
      {MountStep::Kind::kDev, "", "/dev"},
      {MountStep::Kind::kProc, "", "/proc"},
      {MountStep::Kind::kTmp, "", "/tmp"},
  };
  for (const MountRequest& request : requests) {
    steps.push_back(
        {StepKind(request.kind), request.source, request.destination});
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const MountStep& a, const MountStep& b) {
                     return PathDepth(a.destination) <
                            PathDepth(b.destination);
                   });
  return steps;
}

}  // namespace ocimake::sandbox
