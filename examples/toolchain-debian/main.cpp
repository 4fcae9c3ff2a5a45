#include <iostream>
#include <string>

#include <yaml-cpp/yaml.h>

// yaml-greeter [--name NAME] | --self-test
int main(int argc, char** argv) {
  YAML::Node config = YAML::Load("greeting: hello\nname: world\n");
  std::string greeting = config["greeting"].as<std::string>();
  std::string name = config["name"].as<std::string>();
  if (argc > 1 && std::string(argv[1]) == "--self-test") return greeting == "hello" ? 0 : 1;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--name") name = argv[i + 1];
  std::cout << greeting << ", " << name << "!\n";
  return 0;
}
