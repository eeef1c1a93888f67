/* tests/pe/faults_seh.h — __try/__except for mingw-w64 gcc, which has no such keywords: the
 * same unwind data MSVC emits (a __C_specific_handler scope table), as mingw-w64's own __try1 /
 * __except1 (excpt.h) make it, with labels named after `id` so one file can hold several
 * guarded functions (one per function: a function has one language handler).
 *
 *   __attribute__((noinline)) int guarded(void) {
 *     SEH_TRY(filter, 1)
 *     ... code that may fault ...
 *     SEH_EXCEPT(1)
 *     return what the filter or the code left in (volatile) globals;
 *   }
 *
 * `filter` is LONG filter(EXCEPTION_POINTERS *, void *frame), declared with SEH_FILTER; when it
 * returns EXCEPTION_EXECUTE_HANDLER, execution goes on after SEH_EXCEPT with only what is in
 * memory and in nonvolatile registers valid, so guarded code keeps its state in volatile
 * variables. */
#ifndef WS2EMU_TESTS_PE_FAULTS_SEH_H_
#define WS2EMU_TESTS_PE_FAULTS_SEH_H_

#include <windows.h>

#define SEH_FILTER(name) \
  __attribute__((used)) LONG name(EXCEPTION_POINTERS *pointers, void *frame)

#define SEH_TRY(filter, id)                                                        \
  __asm__ __volatile__("\t.l_try" #id ":\n"                                        \
                       "\t.seh_handler __C_specific_handler, @except\n"           \
                       "\t.seh_handlerdata\n"                                     \
                       "\t.long 1\n"                                              \
                       "\t.rva .l_try" #id ", .l_end" #id ", " #filter ", .l_end" #id "\n" \
                       "\t.text\n" ::: "memory");

#define SEH_EXCEPT(id) __asm__ __volatile__("\tnop\n\t.l_end" #id ": nop\n" ::: "memory");

#endif /* WS2EMU_TESTS_PE_FAULTS_SEH_H_ */
