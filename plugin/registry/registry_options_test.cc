#include "registry/registry_options.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "base/error.h"

namespace ocimake {
namespace {

TEST(RegistryOptionsTest, InsecureRegistries) {
  RegistryOptions o;
  EXPECT_TRUE(o.IsInsecure("localhost:5000"));
  EXPECT_TRUE(o.IsInsecure("127.0.0.1:5000"));
  EXPECT_TRUE(o.IsInsecure("[::1]:5000"));
  EXPECT_TRUE(o.IsInsecure("localhost"));
  EXPECT_FALSE(o.IsInsecure("registry.example.com"));
  EXPECT_FALSE(o.IsInsecure("127.0.0.2:5000"));
  o.insecure = {"myreg", "other:5000"};
  EXPECT_TRUE(o.IsInsecure("myreg:1234"));
  EXPECT_TRUE(o.IsInsecure("other:5000"));
  EXPECT_FALSE(o.IsInsecure("other:5001"));
}

TEST(RegistryOptionsTest, FromEnvironment) {
  setenv("OCIMAKE_INSECURE_REGISTRIES", " a:1 ,b,, ", 1);
  setenv("OCIMAKE_CA_FILE", "/etc/ca.pem", 1);
  RegistryOptions o = RegistryOptions::FromEnvironment();
  unsetenv("OCIMAKE_INSECURE_REGISTRIES");
  unsetenv("OCIMAKE_CA_FILE");
  EXPECT_EQ(o.insecure, (std::vector<std::string>{"a:1", "b"}));
  EXPECT_EQ(o.ca_file, "/etc/ca.pem");
  EXPECT_EQ(o.retry.attempts, 4);
  EXPECT_EQ(o.transfer_jobs, kDefaultTransferJobs);
}

TEST(RegistryOptionsTest, TransferJobs) {
  EXPECT_EQ(ParseTransferJobs("1", "--jobs"), 1);
  EXPECT_EQ(ParseTransferJobs("32", "--jobs"), 32);
  for (const char* bad : {"0", "33", "-1", "", "4x", "999999999999"})
    EXPECT_THROW(ParseTransferJobs(bad, "--jobs"), Error) << bad;
  try {
    ParseTransferJobs("0", "--jobs");
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--jobs '0': expected a number of parallel transfers from 1 to 32");
  }
  setenv("OCIMAKE_TRANSFER_JOBS", "9", 1);
  RegistryOptions o = RegistryOptions::FromEnvironment();
  unsetenv("OCIMAKE_TRANSFER_JOBS");
  EXPECT_EQ(o.transfer_jobs, 9);
}

}  // namespace
}  // namespace ocimake
