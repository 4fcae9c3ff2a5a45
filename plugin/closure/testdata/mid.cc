extern "C" int leaf_value();
extern "C" int mid_value() { return leaf_value() + 1; }
