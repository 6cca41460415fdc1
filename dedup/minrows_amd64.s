//go:build amd64 && !purego

#include "textflag.h"

// func minRowsAVX512(sh []uint64, a, b, rows *[16]uint64)
TEXT ·minRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ sh_base+0(FP), SI
	MOVQ sh_len+8(FP), CX
	MOVQ a+24(FP), AX
	MOVQ b+32(FP), BX
	MOVQ rows+40(FP), DI
	VMOVDQU64 (AX), Z0
	VMOVDQU64 64(AX), Z1
	VMOVDQU64 (BX), Z2
	VMOVDQU64 64(BX), Z3
	// Z4, Z5: the running minimums of permutations 0-7 and 8-15, all ones to start
	VPTERNLOGQ $0xff, Z4, Z4, Z4
	VPTERNLOGQ $0xff, Z5, Z5, Z5
	TESTQ CX, CX
	JZ done

loop:
	VPBROADCASTQ (SI), Z6
	VPMULLQ Z0, Z6, Z7
	VPMULLQ Z1, Z6, Z8
	VPADDQ Z2, Z7, Z7
	VPADDQ Z3, Z8, Z8
	VPMINUW Z7, Z4, Z4
	VPMINUW Z8, Z5, Z5
	ADDQ $8, SI
	DECQ CX
	JNZ loop

done:
	VMOVDQU64 Z4, (DI)
	VMOVDQU64 Z5, 64(DI)
	VZEROUPPER
	RET

// MINROWS4 keeps in acc the row minimums of the four permutations at byte offset off
// of a (AX), ahi (BX) and b (DX) for the shingle in Y4 (its high half in Y5):
// lo(h)*lo(a) + (lo(h)*hi(a) + hi(h)*lo(a))<<32 + b, then VPMINUW.
#define MINROWS4(off, acc) \
	VPMULUDQ off(AX), Y4, Y6; \
	VPMULUDQ off(BX), Y4, Y7; \
	VPMULUDQ off(AX), Y5, Y8; \
	VPADDQ   Y8, Y7, Y7; \
	VPSLLQ   $32, Y7, Y7; \
	VPADDQ   Y7, Y6, Y6; \
	VPADDQ   off(DX), Y6, Y6; \
	VPMINUW  Y6, acc, acc

// func minRowsAVX2(sh []uint64, a, ahi, b, rows *[16]uint64)
//
// AVX2 has no 64-bit multiply: h*a mod 2^64 is lo(h)*lo(a) + (lo(h)*hi(a) +
// hi(h)*lo(a))<<32, three VPMULUDQ. Four registers of four permutations each.
TEXT ·minRowsAVX2(SB), NOSPLIT, $0-56
	MOVQ sh_base+0(FP), SI
	MOVQ sh_len+8(FP), CX
	MOVQ a+24(FP), AX
	MOVQ ahi+32(FP), BX
	MOVQ b+40(FP), DX
	MOVQ rows+48(FP), DI
	VPCMPEQQ Y0, Y0, Y0
	VPCMPEQQ Y1, Y1, Y1
	VPCMPEQQ Y2, Y2, Y2
	VPCMPEQQ Y3, Y3, Y3
	TESTQ CX, CX
	JZ done2

loop2:
	VPBROADCASTQ (SI), Y4
	VPSRLQ $32, Y4, Y5
	MINROWS4(0, Y0)
	MINROWS4(32, Y1)
	MINROWS4(64, Y2)
	MINROWS4(96, Y3)
	ADDQ $8, SI
	DECQ CX
	JNZ loop2

done2:
	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, 64(DI)
	VMOVDQU Y3, 96(DI)
	VZEROUPPER
	RET
