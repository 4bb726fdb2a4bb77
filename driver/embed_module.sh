#!/bin/sh
# Writes an assembly file that embeds the compiler module @1 (scry-codegen.so)
# in the scry executable, between scry_cg_blob and scry_cg_blob_end (see
# cg_loader.c): scry stays one file; scry_cg_blob_id is a digest of it.
# Usage: embed_module.sh MODULE OUT.S
set -eu
id=$(sha256sum "$1" | cut -c1-24)
{
	printf '\t.section .rodata.scry_codegen,"a"\n'
	printf '\t.balign 4096\n'
	printf '\t.globl scry_cg_blob\nscry_cg_blob:\n'
	printf '\t.incbin "%s"\n' "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
	printf '\t.globl scry_cg_blob_end\nscry_cg_blob_end:\n'
	printf '\t.section .rodata.scry_codegen_id,"a"\n'
	printf '\t.globl scry_cg_blob_id\nscry_cg_blob_id:\n'
	printf '\t.asciz "%s"\n' "$id"
	printf '\t.section .note.GNU-stack,"",@progbits\n'
} > "$2"
