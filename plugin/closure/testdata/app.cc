// Never run: it only has to be a dynamically linked executable.
extern "C" int mid_value();
extern "C" void _start() { mid_value(); for (;;) {} }
