package ident

import (
	"strings"
	"testing"
)

func TestRegionTable_WellFormed(t *testing.T) {
	lines, entries := 0, 0
	for _, line := range strings.Split(strings.TrimSuffix(regionsTSV, "\n"), "\n") {
		lines++
		if strings.HasPrefix(line, "#") {
			continue
		}
		entries++
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[1] == "" || (f[2] != "0" && f[2] != "1") {
			t.Fatalf("malformed line %d: %q", lines, line)
		}
		if _, ok := sixDigits(f[0]); !ok {
			t.Fatalf("bad code on line %d: %q", lines, line)
		}
	}
	idx := regionIndex()
	if len(idx) != entries {
		t.Fatalf("index has %d entries, file %d", len(idx), entries)
	}
	// result.csv: 6,823 rows, 3,213 in use; some codes were reused, so fewer distinct codes.
	if entries < 6000 || entries > 6823 {
		t.Errorf("unexpected number of codes %d", entries)
	}
	inUse := 0
	for i, e := range idx {
		if i > 0 && idx[i-1].code >= e.code {
			t.Fatalf("index not strictly sorted at %d", i)
		}
		if e.inUse {
			inUse++
		}
	}
	if inUse != 3213 {
		t.Errorf("in-use codes = %d, want 3213 (SOURCE.md)", inUse)
	}
	if len(regionsTSV) > 400<<10 {
		t.Errorf("regions.tsv is %d bytes; keep it small", len(regionsTSV))
	}
}

func TestRegionName(t *testing.T) {
	tests := []struct {
		code, want string
		ok, inUse  bool
	}{
		{"440703", "广东省江门市蓬江区", true, true},
		{"440000", "广东省", true, true},
		{"440700", "广东省江门市", true, true},
		{"110105", "北京市朝阳区", true, true},
		{"110103", "北京市崇文区", true, false},    // abolished 2010
		{"440524", "广东省汕头市潮阳县", true, false}, // abolished 1993
		{"120110", "天津市东丽区", true, true},     // reused code: current name wins over 东郊区
		{"419001", "河南省济源市", true, true},     // province-administered county-level city
		{"810000", "香港特别行政区", true, true},    // from 1997
		{"100000", "", false, false},         // central level: not a GB/T 2260 division
		{"999999", "", false, false},
		{"44070", "", false, false},
		{"4407031", "", false, false},
		{"44070A", "", false, false},
		{"４４０７０３", "", false, false}, // no normalisation
		{"", "", false, false},
	}
	for _, tt := range tests {
		name, ok := RegionName(tt.code)
		if name != tt.want || ok != tt.ok {
			t.Errorf("RegionName(%q) = %q, %v; want %q, %v", tt.code, name, ok, tt.want, tt.ok)
		}
		info, ok := LookupRegion(tt.code)
		if ok != tt.ok || info.Name != tt.want || info.InUse != tt.inUse || (ok && info.Code != tt.code) {
			t.Errorf("LookupRegion(%q) = %+v, %v", tt.code, info, ok)
		}
	}
}
