/* tests/pe/trap_program.c — a console program that calls a KERNEL32 function ws2emu does not
 * emulate: the trap must name it and end the process with exit code 86. */
#include <windows.h>

int main(void) { return Beep(440, 100) ? 0 : 1; }
