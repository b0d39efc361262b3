package ident

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

//go:generate go run gen_regions.go -in ../../../shared/realdata/areacodes/result.csv -out regions.tsv

// regionsTSV is generated from yescallop/areacodes result.csv (GB/T 2260, 1981–2024, CC0).
//
//go:embed regions.tsv
var regionsTSV string

// RegionInfo describes one GB/T 2260 administrative division code.
type RegionInfo struct {
	Code  string // 6 digits
	Name  string // full name with province and prefecture, e.g. 广东省江门市蓬江区
	InUse bool   // in use in the newest data (2024); false for abolished or changed codes
}

type regionEntry struct {
	code  int32
	name  string // substring of regionsTSV
	inUse bool
}

var regionIndex = sync.OnceValue(func() []regionEntry {
	out := make([]regionEntry, 0, 6500)
	rest := regionsTSV
	for rest != "" {
		line, tail, _ := strings.Cut(rest, "\n")
		rest = tail
		if line == "" || line[0] == '#' {
			continue
		}
		code, tail, ok1 := strings.Cut(line, "\t")
		name, flag, ok2 := strings.Cut(tail, "\t")
		n, ok3 := sixDigits(code)
		if !ok1 || !ok2 || !ok3 {
			continue // never panic on a malformed embedded file; tests check it is well-formed
		}
		out = append(out, regionEntry{code: n, name: name, inUse: flag == "1"})
	}
	slices.SortFunc(out, func(a, b regionEntry) int { return int(a.code - b.code) })
	return out
})

// sixDigits parses exactly six ASCII digits.
func sixDigits(s string) (int32, bool) {
	if len(s) != 6 {
		return 0, false
	}
	var n int32
	for i := 0; i < 6; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int32(c-'0')
	}
	return n, true
}

func lookupRegion(code string) (regionEntry, bool) {
	n, ok := sixDigits(code)
	if !ok {
		return regionEntry{}, false
	}
	idx := regionIndex()
	i, found := slices.BinarySearchFunc(idx, n, func(e regionEntry, t int32) int { return int(e.code - t) })
	if !found {
		return regionEntry{}, false
	}
	return idx[i], true
}

// RegionName returns the full name of a GB/T 2260 code (6 ASCII digits) that was valid at any time
// from 1981 to 2024, e.g. "440703" → "广东省江门市蓬江区", "440524" → "广东省汕头市潮阳县" (abolished
// 1993). Historical codes are included because an ID number keeps the address code in force when it
// was issued. ok is false for anything else, including 100000 and codes outside the table.
func RegionName(code string) (name string, ok bool) {
	e, ok := lookupRegion(code)
	return e.name, ok
}

// LookupRegion is like [RegionName] but also reports whether the code is still in use.
func LookupRegion(code string) (RegionInfo, bool) {
	e, ok := lookupRegion(code)
	if !ok {
		return RegionInfo{}, false
	}
	return RegionInfo{Code: code, Name: e.name, InUse: e.inUse}, true
}
