//go:build amd64 && !purego

#include "textflag.h"

// func jsonPlainPrefixAVX2(p *byte, n int) int
//
// The constants reach the vector registers by VMOVQ, not MOVQ: the legacy SSE MOVQ among
// AVX instructions cost about 220 ns a call on one of this project's benchmark machines
// (an AMD Zen 3 virtual machine), more than scanning 4 KB (BenchmarkPrefixes).
TEXT ·jsonPlainPrefixAVX2(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	ANDQ $~31, CX                // the whole blocks
	XORQ AX, AX
	MOVQ $0x2222222222222222, DX // '"'
	VMOVQ DX, X1
	VPBROADCASTQ X1, Y1
	MOVQ $0x5c5c5c5c5c5c5c5c, DX // '\\'
	VMOVQ DX, X2
	VPBROADCASTQ X2, Y2
	MOVQ $0x1f1f1f1f1f1f1f1f, DX // the last control character
	VMOVQ DX, X3
	VPBROADCASTQ X3, Y3

jsonloop:
	CMPQ AX, CX
	JAE  jsondone
	VMOVDQU   (SI)(AX*1), Y0
	VPCMPEQB  Y0, Y1, Y4 // quotes
	VPCMPEQB  Y0, Y2, Y5 // backslashes
	VPOR      Y4, Y5, Y4
	VPMINUB   Y0, Y3, Y5 // min(c, 0x1f) == c: c is a control character
	VPCMPEQB  Y0, Y5, Y5
	VPOR      Y4, Y5, Y4
	VPMOVMSKB Y4, DX
	TESTL     DX, DX
	JNZ       jsonfound
	ADDQ      $32, AX
	JMP       jsonloop

jsonfound:
	BSFL DX, DX
	ADDQ DX, AX

jsondone:
	VZEROUPPER
	MOVQ AX, ret+16(FP)
	RET

// func asciiPrefixAVX2(p *byte, n int) int
TEXT ·asciiPrefixAVX2(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	ANDQ $~31, CX // the whole blocks
	XORQ AX, AX

asciiloop:
	CMPQ AX, CX
	JAE  asciidone
	VMOVDQU   (SI)(AX*1), Y0
	VPMOVMSKB Y0, DX // the top bit of each byte
	TESTL     DX, DX
	JNZ       asciifound
	ADDQ      $32, AX
	JMP       asciiloop

asciifound:
	BSFL DX, DX
	ADDQ DX, AX

asciidone:
	VZEROUPPER
	MOVQ AX, ret+16(FP)
	RET
