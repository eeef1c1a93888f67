// RtlCaptureContext and the other entry points that need their caller's registers
// (RaiseException, RtlUnwindEx), as assembly stubs that store them into a CONTEXT before
// anything is clobbered; RestoreContext, which loads a CONTEXT and jumps to its Rip; and
// CallHandler, through which the dispatcher (ntdll_dispatch.cc) calls language handlers.
// The C++ side of these symbols is declared in ntdll_unwind.h and ntdll_dispatch.cc.

// CONTEXT offsets: Rax 0x78 ... R15 0xf0, Rip 0xf8, Rsp 0x98, MxCsr 0x34, segments 0x38,
// EFlags 0x44, FltSave 0x100 (ControlWord +0, MxCsr +0x18), Xmm0 0x1a0.
asm(R"(
  .macro EMU_UNWIND_CAPTURE ctx, ret
  movq %rax, 0x78(\ctx)
  movq %rcx, 0x80(\ctx)
  movq %rdx, 0x88(\ctx)
  movq %rbx, 0x90(\ctx)
  movq %rbp, 0xa0(\ctx)
  movq %rsi, 0xa8(\ctx)
  movq %rdi, 0xb0(\ctx)
  movq %r8, 0xb8(\ctx)
  movq %r9, 0xc0(\ctx)
  movq %r10, 0xc8(\ctx)
  movq %r11, 0xd0(\ctx)
  movq %r12, 0xd8(\ctx)
  movq %r13, 0xe0(\ctx)
  movq %r14, 0xe8(\ctx)
  movq %r15, 0xf0(\ctx)
  leaq (\ret + 8)(%rsp), %rax
  movq %rax, 0x98(\ctx)
  movq \ret(%rsp), %rax
  movq %rax, 0xf8(\ctx)
  movups %xmm0, 0x1a0(\ctx)
  movups %xmm1, 0x1b0(\ctx)
  movups %xmm2, 0x1c0(\ctx)
  movups %xmm3, 0x1d0(\ctx)
  movups %xmm4, 0x1e0(\ctx)
  movups %xmm5, 0x1f0(\ctx)
  movups %xmm6, 0x200(\ctx)
  movups %xmm7, 0x210(\ctx)
  movups %xmm8, 0x220(\ctx)
  movups %xmm9, 0x230(\ctx)
  movups %xmm10, 0x240(\ctx)
  movups %xmm11, 0x250(\ctx)
  movups %xmm12, 0x260(\ctx)
  movups %xmm13, 0x270(\ctx)
  movups %xmm14, 0x280(\ctx)
  movups %xmm15, 0x290(\ctx)
  stmxcsr 0x34(\ctx)
  stmxcsr 0x118(\ctx)
  fnstcw 0x100(\ctx)
  movw %cs, 0x38(\ctx)
  movw %ds, 0x3a(\ctx)
  movw %es, 0x3c(\ctx)
  movw %fs, 0x3e(\ctx)
  movw %gs, 0x40(\ctx)
  movw %ss, 0x42(\ctx)
  pushfq
  popq %rax
  movl %eax, 0x44(\ctx)
  movl $0x10000f, 0x30(\ctx)
  .endm

  # The general registers but Rsp and Rdi from the CONTEXT at Rdi.
  .macro EMU_UNWIND_LOAD_GPRS
  movq 0x78(%rdi), %rax
  movq 0x80(%rdi), %rcx
  movq 0x88(%rdi), %rdx
  movq 0x90(%rdi), %rbx
  movq 0xa0(%rdi), %rbp
  movq 0xa8(%rdi), %rsi
  movq 0xb8(%rdi), %r8
  movq 0xc0(%rdi), %r9
  movq 0xc8(%rdi), %r10
  movq 0xd0(%rdi), %r11
  movq 0xd8(%rdi), %r12
  movq 0xe0(%rdi), %r13
  movq 0xe8(%rdi), %r14
  movq 0xf0(%rdi), %r15
  .endm

  .text
  .globl emu_unwind_RtlCaptureContext
  .hidden emu_unwind_RtlCaptureContext
  .type emu_unwind_RtlCaptureContext, @function
emu_unwind_RtlCaptureContext:
  EMU_UNWIND_CAPTURE %rcx, 0
  ret
  .size emu_unwind_RtlCaptureContext, . - emu_unwind_RtlCaptureContext

  .globl emu_unwind_RaiseException
  .hidden emu_unwind_RaiseException
  .type emu_unwind_RaiseException, @function
emu_unwind_RaiseException:
  subq $1240, %rsp
  EMU_UNWIND_CAPTURE %rsp, 1240
  movq %rsp, %rdi
  movl %ecx, %esi
  movl %r8d, %ecx
  movq %r9, %r8
  call emu_unwind_DispatchRaise@PLT
  ud2
  .size emu_unwind_RaiseException, . - emu_unwind_RaiseException

  .globl emu_unwind_RtlUnwindEx
  .hidden emu_unwind_RtlUnwindEx
  .type emu_unwind_RtlUnwindEx, @function
emu_unwind_RtlUnwindEx:
  subq $1240, %rsp
  EMU_UNWIND_CAPTURE %rsp, 1240
  movq %rsp, %rdi
  movq %rcx, %rsi
  movq %r8, %rcx
  movq %r9, %r8
  movq 1280(%rsp), %r9
  call emu_unwind_Unwind@PLT
  ud2
  .size emu_unwind_RtlUnwindEx, . - emu_unwind_RtlUnwindEx

  .globl emu_unwind_RestoreContext
  .hidden emu_unwind_RestoreContext
  .type emu_unwind_RestoreContext, @function
emu_unwind_RestoreContext:
  movups 0x1a0(%rdi), %xmm0
  movups 0x1b0(%rdi), %xmm1
  movups 0x1c0(%rdi), %xmm2
  movups 0x1d0(%rdi), %xmm3
  movups 0x1e0(%rdi), %xmm4
  movups 0x1f0(%rdi), %xmm5
  movups 0x200(%rdi), %xmm6
  movups 0x210(%rdi), %xmm7
  movups 0x220(%rdi), %xmm8
  movups 0x230(%rdi), %xmm9
  movups 0x240(%rdi), %xmm10
  movups 0x250(%rdi), %xmm11
  movups 0x260(%rdi), %xmm12
  movups 0x270(%rdi), %xmm13
  movups 0x280(%rdi), %xmm14
  movups 0x290(%rdi), %xmm15
  ldmxcsr 0x34(%rdi)
  movq 0x98(%rdi), %rax
  movq 0xf8(%rdi), %rcx
  movq %rcx, -8(%rax)
  EMU_UNWIND_LOAD_GPRS
  movq 0x98(%rdi), %rsp
  leaq -8(%rsp), %rsp
  movq 0xb0(%rdi), %rdi
  ret
  .size emu_unwind_RestoreContext, . - emu_unwind_RestoreContext

  # Every register, for resuming after a fault: the x87/SSE state (FXRSTOR of FltSave), the
  # flags, and Rdi, Rip and the flags through three words written below the target Rsp (x64 PE
  # code has no red zone). The context is read while Rsp is still below it.
  .globl emu_unwind_RestoreFull
  .hidden emu_unwind_RestoreFull
  .type emu_unwind_RestoreFull, @function
emu_unwind_RestoreFull:
  fxrstor 0x100(%rdi)
  ldmxcsr 0x34(%rdi)
  movq 0x98(%rdi), %rax
  movq 0xf8(%rdi), %rcx
  movq %rcx, -8(%rax)
  movl 0x44(%rdi), %ecx
  movq %rcx, -16(%rax)
  movq 0xb0(%rdi), %rcx
  movq %rcx, -24(%rax)
  EMU_UNWIND_LOAD_GPRS
  movq 0x98(%rdi), %rsp
  leaq -24(%rsp), %rsp
  popq %rdi
  popfq
  ret
  .size emu_unwind_RestoreFull, . - emu_unwind_RestoreFull

  .globl emu_unwind_CallHandler
  .hidden emu_unwind_CallHandler
  .globl emu_unwind_HandlerReturn
  .hidden emu_unwind_HandlerReturn
  .type emu_unwind_CallHandler, @function
emu_unwind_CallHandler:
  pushq %rbp
  movq %rsp, %rbp
  pushq %r9
  subq $40, %rsp
  movq %rdi, %rax
  movq %r8, %r9
  movq %rcx, %r8
  movq %rsi, %rcx
  call *%rax
emu_unwind_HandlerReturn:
  movq %rbp, %rsp
  popq %rbp
  ret
  .size emu_unwind_CallHandler, . - emu_unwind_CallHandler
)");
