package audit

import (
	"fmt"
	"math"
	"slices"
)

// Chart geometry, in viewBox units (the SVG scales to the page width).
const (
	chartW      = 880.0
	chartLabelW = 190.0
	chartValueW = 130.0
	rowH        = 26.0
	barH        = 16.0
	chartTop    = 26.0
)

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// reasonsChart draws the removed paragraphs per reason.
func reasonsChart(tot *counts) chart {
	rs := []int{}
	var maxV int64
	for _, r := range paraReasons {
		if r == rBoilerplate || tot.parasRemoved[r] > 0 {
			rs = append(rs, r)
			maxV = max(maxV, tot.parasRemoved[r])
		}
	}
	c := chart{ID: "reasons-chart", Label: "Removed paragraphs by reason", W: chartW, LabelX: chartLabelW - 8}
	barW := chartW - chartLabelW - chartValueW
	for i, r := range rs {
		y := chartTop + float64(i)*rowH
		n := tot.parasRemoved[r]
		w := 0.0
		if maxV > 0 {
			w = barW * float64(n) / float64(maxV)
		}
		if n > 0 {
			w = max(w, 1)
		}
		row := chartRow{Y: y, TextY: round1(y + barH/2 + 4.5), Label: reasonNames[r],
			Value:  fmt.Sprintf("%s (%s)", formatNum(n), formatPct(n, tot.paras)),
			ValueX: round1(chartLabelW + w + 6)}
		row.Segs = []segment{{X: chartLabelW, W: round1(w), Y: y, H: barH, Class: reasonClass(r),
			Title: fmt.Sprintf("%s: %s paragraphs", reasonNames[r], formatNum(n))}}
		c.Rows = append(c.Rows, row)
	}
	c.H = chartTop + float64(len(rs))*rowH + 4
	c.Grid = []gridLine{{X: chartLabelW, Y1: chartTop - 6, Y2: c.H - 4}}
	return c
}

// sourcesChart draws, for the largest sources, the share of their paragraphs removed,
// stacked by reason, highest share first.
func (a *Audit) sourcesChart(ss []*sourceAudit) chart {
	ss = slices.Clone(ss)
	share := func(s *sourceAudit) float64 {
		if s.paras == 0 {
			return 0
		}
		return float64(s.removedParas()) / float64(s.paras)
	}
	slices.SortStableFunc(ss, func(x, y *sourceAudit) int {
		sx, sy := share(x), share(y)
		switch {
		case sx > sy:
			return -1
		case sx < sy:
			return 1
		}
		return 0 // stable: keeps the size order
	})
	barW := chartW - chartLabelW - 190
	c := chart{ID: "sources-chart", Label: "Share of paragraphs removed, by source and reason", W: chartW,
		LabelX: chartLabelW - 8}
	for i, s := range ss {
		y := chartTop + float64(i)*rowH
		label := clip(s.name, 26)
		row := chartRow{Y: y, TextY: round1(y + barH/2 + 4.5), Label: isolate(label)}
		if full := clip(s.name, nameRunes); full != label {
			row.Full = isolate(full)
		}
		x := chartLabelW
		for _, r := range paraReasons {
			n := s.parasRemoved[r]
			if n == 0 || s.paras == 0 {
				continue
			}
			w := barW * float64(n) / float64(s.paras)
			row.Segs = append(row.Segs, segment{X: round1(x), W: round1(max(w, 0.5)), Y: y, H: barH,
				Class: reasonClass(r), Title: fmt.Sprintf("%s: %s of %s paragraphs (%s)",
					reasonNames[r], formatNum(n), formatNum(s.paras), formatPct(n, s.paras))})
			x += w
		}
		row.Value = fmt.Sprintf("%s of %s paragraphs", formatPct(s.removedParas(), s.paras), formatNum(s.paras))
		row.ValueX = round1(chartLabelW + barW + 8)
		c.Rows = append(c.Rows, row)
	}
	c.H = chartTop + float64(len(ss))*rowH + 4
	for _, p := range []int{0, 25, 50, 75, 100} {
		c.Grid = append(c.Grid, gridLine{X: round1(chartLabelW + barW*float64(p)/100),
			Y1: chartTop - 6, Y2: c.H - 4, Label: fmt.Sprintf("%d%%", p)})
	}
	return c
}

// histogram draws the number of documents per removed share.
func (a *Audit) histogram() histogram {
	const (
		w, h           = chartW, 280.0
		left, right    = 70.0, 20.0
		margin, bottom = 24.0, 44.0
		gap            = 6.0
	)
	var maxV int64
	var all int64
	for _, n := range a.hist {
		maxV = max(maxV, n)
		all += n
	}
	hs := histogram{Label: "Documents by share of their text removed", W: w, H: h,
		BaseY: h - bottom, AxisX1: left, AxisX2: w - right}
	bw := (w - left - right) / histBins
	plotH := h - margin - bottom
	// The axis runs to a round number: at most five steps of 1, 2 or 5 times a power of 10.
	step := niceStep(maxV)
	top := (maxV + step - 1) / step * step
	for i, n := range a.hist {
		bh := 0.0
		if top > 0 {
			bh = plotH * float64(n) / float64(top)
		}
		if n > 0 {
			bh = max(bh, 1)
		}
		x := left + float64(i)*bw
		label := "none"
		title := "nothing removed"
		if i > 0 {
			label = fmt.Sprintf("≤%d%%", 10*i)
			title = fmt.Sprintf("more than %d%% and at most %d%% removed", 10*(i-1), 10*i)
		}
		class := "h-bar"
		if i == 0 {
			class = "h-none"
		}
		hs.Bars = append(hs.Bars, histBar{X: round1(x + gap/2), W: round1(bw - gap),
			Y: round1(h - bottom - bh), H: round1(bh), Label: label, LabelX: round1(x + bw/2),
			Count: formatNum(n), CountY: round1(h - bottom - bh - 6), Class: class,
			Title: fmt.Sprintf("%s documents (%s): %s", formatNum(n), formatPct(n, all), title)})
	}
	for v := step; v <= top; v += step {
		y := round1(h - bottom - plotH*float64(v)/float64(top))
		hs.Grid = append(hs.Grid, gridLine{X: left - 8, Y1: y, Y2: y, Label: formatNum(v)})
	}
	hs.Note = fmt.Sprintf("%s documents; %s had nothing removed (%s).", formatNum(all),
		formatNum(a.hist[0]), formatPct(a.hist[0], all))
	if n := a.total.removedDocs(); n > 0 {
		hs.Note += fmt.Sprintf(" The %s documents removed whole count here by their paragraph removals only.", formatNum(n))
	}
	if a.noParas > 0 {
		hs.Note += fmt.Sprintf(" %s documents without paragraphs are not counted.", formatNum(a.noParas))
	}
	return hs
}

// niceStep returns the step of an axis from 0 to at least maxV in at most five steps of
// 1, 2 or 5 times a power of ten.
func niceStep(maxV int64) int64 {
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if s := m * p; s*5 >= maxV {
				return s
			}
		}
	}
}
