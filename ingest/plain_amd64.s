//go:build amd64 && !purego

#include "textflag.h"

// func plainPrefixAVX2(b []byte) int
TEXT ·plainPrefixAVX2(SB), NOSPLIT, $0-32
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	ANDQ $~31, CX             // the whole blocks
	XORQ AX, AX
	MOVQ $0x2222222222222222, DX // '"'
	MOVQ DX, X1
	VPBROADCASTQ X1, Y1
	MOVQ $0x5c5c5c5c5c5c5c5c, DX // '\\'
	MOVQ DX, X2
	VPBROADCASTQ X2, Y2
	MOVQ $0x1f1f1f1f1f1f1f1f, DX // the last control character
	MOVQ DX, X3
	VPBROADCASTQ X3, Y3

loop:
	CMPQ AX, CX
	JAE  done
	VMOVDQU  (SI)(AX*1), Y0
	VPCMPEQB Y0, Y1, Y4       // quotes
	VPCMPEQB Y0, Y2, Y5       // backslashes
	VPOR     Y4, Y5, Y4
	VPMINUB  Y0, Y3, Y5       // min(c, 0x1f) == c: c is a control character
	VPCMPEQB Y0, Y5, Y5
	VPOR     Y4, Y5, Y4
	VPMOVMSKB Y4, DX
	TESTL    DX, DX
	JNZ      found
	ADDQ     $32, AX
	JMP      loop

found:
	BSFL DX, DX
	ADDQ DX, AX

done:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET
