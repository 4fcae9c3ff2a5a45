// Never run: it needs v_old@GLIBC_2.2.5 and v_new@GLIBC_2.34 of libv.so.6.
extern "C" int v_old();
extern "C" int v_new();
extern "C" void _start() { v_old(); v_new(); for (;;) {} }
