#include "registry/transfer_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ocimake {

namespace {

// The state the workers share: the next index and the first error.
struct PoolState {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::exception_ptr error;  // the first one, under `mu`

  void Work(size_t count, int worker,
            const std::function<void(int worker, size_t index)>& task) {
    while (!failed.load()) {
      size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        task(worker, i);
      } catch (...) {
        std::lock_guard<std::mutex> guard(mu);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  }
};

}  // namespace

int PoolWorkers(size_t count, int jobs) {
  return static_cast<int>(std::max<size_t>(1, std::min<size_t>(count, std::max(jobs, 1))));
}

void RunBounded(size_t count, int jobs,
                const std::function<void(int worker, size_t index)>& task) {
  if (count == 0) return;
  int workers = PoolWorkers(count, jobs);
  if (workers == 1) {
    for (size_t i = 0; i < count; ++i) task(0, i);
    return;
  }
  PoolState state;
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w)
    threads.emplace_back([&state, &task, count, w] { state.Work(count, w, task); });
  state.Work(count, 0, task);  // the caller is worker 0
  for (auto& t : threads) t.join();
  if (state.error) std::rethrow_exception(state.error);
}

}  // namespace ocimake
