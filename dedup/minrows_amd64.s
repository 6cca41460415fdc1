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
