/* x86_insn.c — x86-64 instruction length decoder (see x86_insn.h).
 *
 * Per opcode, a table gives what follows the opcode byte: a ModRM byte
 * (which may bring a SIB byte and a displacement) and an immediate of a fixed
 * or operand-size dependent width. The few opcodes whose length depends on
 * more (moffs, mov r64 imm64, enter, test in group 3, VEX/EVEX) are handled
 * in code. Written from the opcode maps of the Intel SDM, volume 2, appendix
 * A, for 64-bit mode. */
#include <errno.h>
#include <stdbool.h>

#include "probes/x86_insn.h"

enum {
	M = 1,   /* ModRM follows */
	B = 2,   /* imm8 */
	Z = 4,   /* imm16 with a 66 prefix, else imm32 */
	W = 8,   /* imm16 */
	X = 16,  /* invalid in 64-bit mode */
	D = 32,  /* imm32 (rel32 branches: 66 does not shrink them in 64-bit mode) */
	S = 64,  /* special: handled in code */
};

static const uint8_t map1[256] = {
	/* 0x00 */ M, M, M, M, B, Z, X, X, M, M, M, M, B, Z, X, S,
	/* 0x10 */ M, M, M, M, B, Z, X, X, M, M, M, M, B, Z, X, X,
	/* 0x20 */ M, M, M, M, B, Z, S, X, M, M, M, M, B, Z, S, X,
	/* 0x30 */ M, M, M, M, B, Z, S, X, M, M, M, M, B, Z, S, X,
	/* 0x40 */ S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
	/* 0x50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x60 */ X, X, S, M, S, S, S, S, Z, M | Z, B, M | B, 0, 0, 0, 0,
	/* 0x70 */ B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	/* 0x80 */ M | B, M | Z, X, M | B, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, X, 0, 0, 0, 0, 0,
	/* 0xa0 */ S, S, S, S, 0, 0, 0, 0, B, Z, 0, 0, 0, 0, 0, 0,
	/* 0xb0 */ B, B, B, B, B, B, B, B, S, S, S, S, S, S, S, S,
	/* 0xc0 */ M | B, M | B, W, 0, S, S, M | B, M | Z, S, 0, W, 0, 0, B, X, 0,
	/* 0xd0 */ M, M, M, M, X, X, X, 0, M, M, M, M, M, M, M, M,
	/* 0xe0 */ B, B, B, B, B, B, B, B, D, D, X, B, 0, 0, 0, 0,
	/* 0xf0 */ S, 0, S, S, 0, 0, S, S, 0, 0, 0, 0, 0, 0, M, M,
};

/* 0F xx */
static const uint8_t map2[256] = {
	/* 0x00 */ M, M, M, M, X, 0, 0, 0, 0, 0, X, 0, X, M, 0, M | B,
	/* 0x10 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x20 */ M, M, M, M, X, X, X, X, M, M, M, M, M, M, M, M,
	/* 0x30 */ 0, 0, 0, 0, 0, 0, X, 0, S, X, S, X, X, X, X, X,
	/* 0x40 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x50 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x60 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x70 */ M | B, M | B, M | B, M | B, M, M, M, 0, M, M, M, M, M, M, M, M,
	/* 0x80 */ D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, D,
	/* 0x90 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0xa0 */ 0, 0, 0, M, M | B, M, X, X, 0, 0, 0, M, M | B, M, M, M,
	/* 0xb0 */ M, M, M, M, M, M, M, M, M, M, M | B, M, M, M, M, M,
	/* 0xc0 */ M, M, M | B, M, M | B, M | B, M | B, M, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xd0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0xe0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0xf0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0xf0: case 0xf2: case 0xf3: case 0x2e: case 0x36: case 0x3e:
	case 0x26: case 0x64: case 0x65: case 0x66: case 0x67:
		return true;
	default:
		return false;
	}
}

/* Bytes taken by the ModRM byte at @p and what it brings (SIB, displacement);
 * 0 if it runs past @end. */
static size_t modrm_len(const uint8_t *p, const uint8_t *end)
{
	uint8_t mod, rm;
	size_t n = 1;

	if (p >= end)
		return 0;
	mod = *p >> 6;
	rm = *p & 7;
	if (mod == 3)
		return 1;
	if (rm == 4) {
		if (p + 1 >= end)
			return 0;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		n += 4; /* rip-relative */
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return n;
}

/* VEX/EVEX map-1 opcodes with an imm8 */
static bool vex_map1_imm8(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 || op == 0xc4 || op == 0xc5 ||
	       op == 0xc6;
}

int x86_insn_len(const uint8_t *code, size_t size)
{
	const uint8_t *p = code, *end = code + size;
	bool opsize16 = false, addr32 = false, rex_w = false;
	uint8_t op, flags;
	size_t n;
	int npfx = 0;

	while (p < end && is_legacy_prefix(*p)) {
		if (*p == 0x66)
			opsize16 = true;
		if (*p == 0x67)
			addr32 = true;
		p++;
		if (++npfx > 14)
			return -EINVAL;
	}
	if (p < end && (*p & 0xf0) == 0x40) {
		rex_w = (*p & 8) != 0;
		p++;
	}
	if (p >= end)
		return -EINVAL;
	op = *p++;

	if (op == 0xc4 || op == 0xc5 || op == 0x62) {
		/* VEX (3 or 2 bytes) / EVEX (4 bytes) */
		unsigned map;
		size_t pay = op == 0xc5 ? 1 : op == 0xc4 ? 2 : 3;

		if (p + pay >= end)
			return -EINVAL;
		map = op == 0xc5 ? 1 : op == 0xc4 ? (p[0] & 0x1f) : (p[0] & 7);
		p += pay;
		op = *p++;
		if (map < 1 || map > 7 || map == 4)
			return -EINVAL;
		if (!(map == 1 && op == 0x77 && pay < 3)) { /* vzeroupper/vzeroall */
			n = modrm_len(p, end);
			if (!n)
				return -EINVAL;
			p += n;
		}
		if (map == 3 || (map == 1 && vex_map1_imm8(op)))
			p++;
		return p <= end ? (int)(p - code) : -EINVAL;
	}

	if (op == 0x0f) {
		if (p >= end)
			return -EINVAL;
		op = *p++;
		if (op == 0x38 || op == 0x3a) {
			bool imm = op == 0x3a;

			if (p >= end)
				return -EINVAL;
			p++; /* the opcode */
			n = modrm_len(p, end);
			if (!n)
				return -EINVAL;
			p += n + (imm ? 1 : 0);
			return p <= end ? (int)(p - code) : -EINVAL;
		}
		flags = map2[op];
	} else {
		flags = map1[op];
		if (flags & S) {
			if (op >= 0xa0 && op <= 0xa3) {
				p += addr32 ? 4 : 8; /* moffs */
				flags = 0;
			} else if (op >= 0xb8 && op <= 0xbf) {
				p += rex_w ? 8 : opsize16 ? 2 : 4;
				flags = 0;
			} else if (op == 0xc8) {
				p += 3; /* enter imm16, imm8 */
				flags = 0;
			} else if (op == 0xf6 || op == 0xf7) {
				/* group 3: test has an immediate */
				if (p >= end)
					return -EINVAL;
				n = modrm_len(p, end);
				if (!n)
					return -EINVAL;
				if (((*p >> 3) & 7) < 2)
					n += op == 0xf6 ? 1 : opsize16 ? 2 : 4;
				p += n;
				flags = 0;
			} else {
				return -EINVAL; /* prefix or REX in the wrong place */
			}
		}
	}
	if (flags & X)
		return -EINVAL;
	if (flags & S)
		return -EINVAL;
	if (flags & M) {
		n = modrm_len(p, end);
		if (!n)
			return -EINVAL;
		p += n;
	}
	if (flags & B)
		p += 1;
	if (flags & W)
		p += 2;
	if (flags & Z)
		p += opsize16 ? 2 : 4;
	if (flags & D)
		p += 4;
	return p <= end ? (int)(p - code) : -EINVAL;
}

int x86_insn_boundary(const uint8_t *code, size_t size, size_t off)
{
	size_t at = 0;

	while (at < off) {
		int n = x86_insn_len(code + at, size - at);

		if (n <= 0)
			return -EINVAL;
		at += (size_t)n;
	}
	return at == off ? 0 : -EILSEQ;
}
