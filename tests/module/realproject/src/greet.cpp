#include "greet.h"
std::string greet(const std::string& name) { return std::string(REALPROJ_GREETING) + ", " + name + "!"; }
