#include <iostream>
#include "greet.h"
int main() { size_t n = 0; for (int i = 0; i < 1000; ++i) n += greet("b").size(); std::cout << n << "\n"; }
