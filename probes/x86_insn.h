/* x86_insn.h — x86-64 instruction lengths, enough to tell whether a uprobe
 * at `func+off` lands on an instruction boundary (bpftrace refuses offsets in
 * the middle of an instruction unless --unsafe). Decodes legacy prefixes,
 * REX, the one-byte, 0F, 0F38 and 0F3A opcode maps, VEX and EVEX, ModRM /
 * SIB / displacements and immediates; 64-bit mode only. */
#ifndef SCRY_PROBES_X86_INSN_H
#define SCRY_PROBES_X86_INSN_H

#include <stddef.h>
#include <stdint.h>

/* Length in bytes of the instruction at @code (at most @size bytes
 * readable), or -EINVAL if it is not a valid 64-bit mode instruction or runs
 * past @size. */
int x86_insn_len(const uint8_t *code, size_t size);

/* Walks the instructions of @code from its start: 0 if one starts exactly at
 * @off, -EILSEQ if @off falls inside an instruction, -EINVAL if decoding
 * failed before reaching @off. */
int x86_insn_boundary(const uint8_t *code, size_t size, size_t off);

#endif
