/* test_x86_insn.c — instruction lengths of the x86-64 decoder that checks
 * uprobe offsets (probes/x86_insn.c), on hand-picked encodings (lengths as
 * objdump reports them). */
#include <errno.h>
#include <stdint.h>

#include "probes/x86_insn.h"
#include "tap.h"

struct insn {
	const char *what;
	uint8_t len;
	uint8_t bytes[16];
};

static const struct insn insns[] = {
	{ "ret", 1, { 0xc3 } },
	{ "push %rbp", 1, { 0x55 } },
	{ "push %r12", 2, { 0x41, 0x54 } },
	{ "mov %rsp,%rbp", 3, { 0x48, 0x89, 0xe5 } },
	{ "mov 0x2eb8(%rip),%rdx", 7, { 0x48, 0x8b, 0x15, 0xb8, 0x2e, 0x00, 0x00 } },
	{ "movslq %edi,%rax", 3, { 0x48, 0x63, 0xc7 } },
	{ "lea 0x1(%rdi),%eax", 3, { 0x8d, 0x47, 0x01 } },
	{ "sub $0x18,%rsp", 4, { 0x48, 0x83, 0xec, 0x18 } },
	{ "sub $0x1000,%rsp", 7, { 0x48, 0x81, 0xec, 0x00, 0x10, 0x00, 0x00 } },
	{ "mov %eax,-0x4(%rbp,%rcx,4)", 4, { 0x89, 0x44, 0x8d, 0xfc } },
	{ "mov 0x0(,%rax,8),%rdx", 8, { 0x48, 0x8b, 0x14, 0xc5, 0, 0, 0, 0 } },
	{ "movabs $imm64,%rax", 10, { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 } },
	{ "mov $imm32,%eax", 5, { 0xb8, 1, 2, 3, 4 } },
	{ "mov $imm16,%ax", 4, { 0x66, 0xb8, 1, 2 } },
	{ "movw $0x1,(%rax)", 5, { 0x66, 0xc7, 0x00, 0x01, 0x00 } },
	{ "testb $0x1,(%rdi)", 3, { 0xf6, 0x07, 0x01 } },
	{ "test $imm32,%edi", 6, { 0xf7, 0xc7, 1, 2, 3, 4 } },
	{ "neg %eax", 2, { 0xf7, 0xd8 } },
	{ "call rel32", 5, { 0xe8, 0, 0, 0, 0 } },
	{ "jmp rel8", 2, { 0xeb, 0x10 } },
	{ "je rel32", 6, { 0x0f, 0x84, 0, 0, 0, 0 } },
	{ "endbr64", 4, { 0xf3, 0x0f, 0x1e, 0xfa } },
	{ "nopw 0x0(%rax,%rax,1)", 6, { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 } },
	{ "cs nopw 0x0(%rax,%rax,1)", 10,
	  { 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 } },
	{ "pshufd $0x0,%xmm0,%xmm0", 5, { 0x66, 0x0f, 0x70, 0xc0, 0x00 } },
	{ "pshufb %xmm1,%xmm0 (0f 38)", 5, { 0x66, 0x0f, 0x38, 0x00, 0xc1 } },
	{ "palignr (0f 3a)", 6, { 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08 } },
	{ "vmovdqu (%rsi),%ymm0 (vex2)", 4, { 0xc5, 0xfe, 0x6f, 0x06 } },
	{ "vpcmpeqb (vex3)", 5, { 0xc4, 0xe2, 0x7d, 0x00, 0xc1 } },
	{ "vpalignr (vex3 map 3)", 6, { 0xc4, 0xe3, 0x7d, 0x0f, 0xc1, 0x08 } },
	{ "vzeroupper", 3, { 0xc5, 0xf8, 0x77 } },
	{ "vmovdqu64 (%rsi),%zmm16 (evex)", 6, { 0x62, 0xe1, 0xfe, 0x48, 0x6f, 0x06 } },
	{ "mov %fs:0x28,%rax", 9, { 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00 } },
	{ "lock cmpxchg %ecx,(%rdx)", 4, { 0xf0, 0x0f, 0xb1, 0x0a } },
	{ "enter $0x10,$0x0", 4, { 0xc8, 0x10, 0x00, 0x00 } },
	{ "mov moffs64,%eax", 9, { 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 } },
	{ "syscall", 2, { 0x0f, 0x05 } },
};

int main(void)
{
	static const uint8_t func[] = {
		0x48, 0x8b, 0x15, 0xb8, 0x2e, 0x00, 0x00, /* 0: mov rip-rel */
		0x48, 0x63, 0xc7,                         /* 7: movslq */
		0x48, 0x01, 0xd0,                         /* 10: add */
		0xc3,                                     /* 13: ret */
	};
	static const uint8_t bad[] = { 0x06 }; /* push %es: invalid in 64-bit mode */

	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++)
		is_int(x86_insn_len(insns[i].bytes, insns[i].len), insns[i].len, insns[i].what);
	is_int(x86_insn_len(insns[4].bytes, 5), -EINVAL, "truncated instruction");
	is_int(x86_insn_len(bad, sizeof(bad)), -EINVAL, "invalid opcode");
	is_int(x86_insn_boundary(func, sizeof(func), 0), 0, "offset 0");
	is_int(x86_insn_boundary(func, sizeof(func), 7), 0, "second instruction");
	is_int(x86_insn_boundary(func, sizeof(func), 13), 0, "last instruction");
	is_int(x86_insn_boundary(func, sizeof(func), 1), -EILSEQ, "inside the first");
	is_int(x86_insn_boundary(func, sizeof(func), 11), -EILSEQ, "inside the third");
	return done_testing();
}
