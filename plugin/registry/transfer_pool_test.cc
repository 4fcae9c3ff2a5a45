#include "registry/transfer_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "base/error.h"

namespace ocimake {
namespace {

void Nap() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

TEST(TransferPoolTest, BoundRespectedAndEveryTaskRun) {
  std::atomic<int> running{0}, peak{0};
  std::vector<std::atomic<int>> runs(40);
  std::mutex mu;
  std::set<int> workers;
  RunBounded(runs.size(), 4, [&](int worker, size_t i) {
    int now = ++running;
    for (int p = peak.load(); now > p && !peak.compare_exchange_weak(p, now);) {
    }
    {
      std::lock_guard<std::mutex> guard(mu);
      workers.insert(worker);
    }
    Nap();
    ++runs[i];
    --running;
  });
  for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
  EXPECT_LE(peak.load(), 4);
  EXPECT_GE(peak.load(), 2);  // 40 tasks of 5 ms on 4 workers overlap
  for (int w : workers) EXPECT_TRUE(w >= 0 && w < 4) << w;
}

TEST(TransferPoolTest, OneJobRunsInOrderOnTheCallersThread) {
  std::vector<size_t> order;
  auto caller = std::this_thread::get_id();
  RunBounded(5, 1, [&](int worker, size_t i) {
    EXPECT_EQ(worker, 0);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    order.push_back(i);
  });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

TEST(TransferPoolTest, FirstErrorReportedWithItsContextAndTheRestFinished) {
  std::atomic<int> started{0}, finished{0};
  try {
    RunBounded(100, 4, [&](int, size_t i) {
      ++started;
      WithContext("blob " + std::to_string(i), [&] {
        if (i == 3) Fail("HTTP 500");
        Nap();
      });
      ++finished;
    });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "blob 3: HTTP 500");
  }
  // Every task that started has ended (no thread outlives RunBounded), and
  // the failure stopped the pool from starting the other tasks.
  EXPECT_EQ(finished.load(), started.load() - 1);
  EXPECT_LT(started.load(), 100);
}

TEST(TransferPoolTest, WorkersNeverMoreThanTasks) {
  EXPECT_EQ(PoolWorkers(2, 8), 2);
  EXPECT_EQ(PoolWorkers(20, 4), 4);
  EXPECT_EQ(PoolWorkers(0, 4), 1);
  EXPECT_EQ(PoolWorkers(5, 0), 1);
}

}  // namespace
}  // namespace ocimake
