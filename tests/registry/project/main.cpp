#include <cstdio>
int main() { std::puts("greetings from a registry-based image"); }
