/* tests/unit/modules_test_object.c — a native shared object for the module resolver's tests
 * (lib/modules): loaded by path, counted, found by name, its export looked up. */
int modules_test_answer(void) { return 42; }
