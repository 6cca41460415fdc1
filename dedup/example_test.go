package dedup_test

import (
	"fmt"

	"github.com/winnowdata/winnow/dedup"
)

func ExampleNormalize() {
	fmt.Println(dedup.Normalize("Russia’s attack — “in Donetsk”,  2022"))
	fmt.Println(dedup.Normalize("Russia's attack - \"in Donetsk\", 2022"))
	fmt.Println(dedup.Shape("© 2023 Daily Ledger. All rights reserved."))
	// Output:
	// russia s attack in donetsk 2022
	// russia s attack in donetsk 2022
	// 0 daily ledger all rights reserved
}

func ExampleSegment() {
	text := "Title line\r\n\r\nFirst paragraph,\nstill the first.\n\n\nSecond."
	for _, s := range dedup.Segment(nil, text, dedup.SplitAuto) {
		fmt.Printf("%q\n", text[s.Start:s.End])
	}
	// Output:
	// "Title line"
	// "First paragraph,\nstill the first."
	// "Second."
}

// Pass 1 counts every document into an Index; pass 2 judges each paragraph against it.
func ExampleIndex() {
	docs := []string{
		"Skip to content\n\nThe council approved the budget on Tuesday.\n\nLoad more",
		"Skip to content\n\nThe harvest was the best in a decade, farmers said.\n\nLoad more",
		"Skip to content\n\nA comet will be visible to the naked eye this week.\n\nLoad more",
	}
	fp := dedup.NewFingerprinter(dedup.DefaultConfig())
	ix := dedup.NewIndex()
	for _, text := range docs {
		var d dedup.Doc
		fp.Doc("", text, &d)
		ix.Add("example.com", &d)
	}
	judge := dedup.NewJudge(dedup.DefaultRules(), ix)
	var d dedup.Doc
	fp.Doc("", docs[0], &d)
	for i, dec := range judge.Judge(nil, "example.com", &d) {
		p := d.Paras[i]
		reason := dec.Reason
		if reason == "" {
			reason = "keep"
		}
		fmt.Printf("%-11s %s\n", reason, docs[0][p.Start:p.End])
	}
	// Output:
	// boilerplate Skip to content
	// keep        The council approved the budget on Tuesday.
	// boilerplate Load more
}
