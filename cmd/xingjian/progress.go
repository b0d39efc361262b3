package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressBar draws the progress of a long job on the terminal:
//
//	[██████████░░░░░░░░░░]  52%  520,000 行  125,300 行/秒
//
// redrawn in place at most every 200 ms. Where stderr is not a terminal (a
// log file, CI), it writes one line per tenth of the job instead.
type progressBar struct {
	w     io.Writer
	tty   bool
	unit  string
	start time.Time
	last  time.Time
	tenth int
	drawn bool
}

func newProgressBar(w io.Writer, unit string) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, tty: tty, unit: unit, start: time.Now()}
}

// update shows done units; frac is the share of the job done (0–1), or
// negative when unknown.
func (b *progressBar) update(done int64, frac float64) {
	now := time.Now()
	rate := float64(done) / max(now.Sub(b.start).Seconds(), 0.001)
	if !b.tty {
		t := int(frac * 10)
		if frac < 0 || t <= b.tenth {
			return
		}
		b.tenth = t
		fmt.Fprintf(b.w, "%3.0f%%  %s %s  %s %s/秒\n", frac*100, groupDigits(done), b.unit, groupDigits(int64(rate)), b.unit)
		return
	}
	if now.Sub(b.last) < 200*time.Millisecond && frac < 1 {
		return
	}
	b.last = now
	b.drawn = true
	const width = 24
	if frac < 0 {
		fmt.Fprintf(b.w, "\r%s %s  %s %s/秒 ", groupDigits(done), b.unit, groupDigits(int64(rate)), b.unit)
		return
	}
	full := min(int(frac*width), width)
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%%  %s %s  %s %s/秒 ", strings.Repeat("█", full), strings.Repeat("░", width-full),
		frac*100, groupDigits(done), b.unit, groupDigits(int64(rate)), b.unit)
}

// finish ends the bar's line.
func (b *progressBar) finish() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
