package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestProgressBarWithoutTerminal: into a file or pipe the bar writes one
// line per tenth of the job, never carriage returns.
func TestProgressBarWithoutTerminal(t *testing.T) {
	var out bytes.Buffer
	b := newProgressBar(&out, "行")
	for i := int64(0); i <= 1000; i += 7 {
		b.update(i, float64(i)/1000)
	}
	b.update(1000, 1)
	b.finish()
	s := out.String()
	if strings.Contains(s, "\r") {
		t.Fatalf("carriage return in non-terminal output: %q", s)
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[9], "100%  1,000 行") {
		t.Fatalf("want 10 lines ending at 100%%, got %d:\n%s", len(lines), s)
	}
}
