// Running the transfers of an image (its blobs, pushed or pulled) a bounded
// number at a time: RunBounded(count, jobs, task) calls task(worker, i) for
// every i in [0, count), on at most `jobs` threads at once. Tasks are taken in
// index order; each worker (0 .. jobs-1) keeps its own state (a registry
// client with its own connection) through `worker`.
// The first error wins: once a task throws, no further task starts, the
// tasks in flight run to their end, and the first exception is rethrown
// unchanged (with the context its task gave it, e.g. "blob sha256:..."),
// after every thread has joined. One job runs everything on the caller's
// thread, in order.
#ifndef OCIMAKE_REGISTRY_TRANSFER_POOL_H_
#define OCIMAKE_REGISTRY_TRANSFER_POOL_H_

#include <cstddef>
#include <functional>

namespace ocimake {

// The workers RunBounded starts for `count` tasks: min(jobs, count), at least 1.
int PoolWorkers(size_t count, int jobs);

void RunBounded(size_t count, int jobs,
                const std::function<void(int worker, size_t index)>& task);

}  // namespace ocimake

#endif  // OCIMAKE_REGISTRY_TRANSFER_POOL_H_
