#include "registry/registry_options.h"

#include <cstdlib>

#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace ocimake
