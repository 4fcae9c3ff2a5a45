// A library with versioned symbols, in a new (V_NEW) and an old build of the
// same SONAME: the version scripts give the old one GLIBC_2.2.5, GLIBC_2.3
// and GLIBC_2.17, the new one GLIBC_2.2.5 and GLIBC_2.34.
extern "C" int v_old() { return 1; }
#ifdef V_NEW
extern "C" int v_new() { return 2; }
#else
extern "C" int v_23() { return 3; }
extern "C" int v_217() { return 4; }
#endif
