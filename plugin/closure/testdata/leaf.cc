extern "C" int leaf_value() { return 42; }
