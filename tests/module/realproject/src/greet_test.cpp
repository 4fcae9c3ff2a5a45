#include <iostream>
#include "greet.h"
int main() { return greet("x").find("x!") == std::string::npos; }
