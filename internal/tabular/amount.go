package tabular

import (
	"fmt"
	"math/big"
	"strings"
)

// Unit is the unit a money column is written in.
type Unit int

// The units of money columns. The national 双公示 layout writes amounts in
// 万元 ("罚款金额（万元）").
const (
	UnitUnknown Unit = iota // the header names no unit: each cell must say 元 or 万元
	Yuan                    // 元
	WanYuan                 // 万元 (10,000 元)
)

func (u Unit) String() string {
	switch u {
	case Yuan:
		return "元"
	case WanYuan:
		return "万元"
	}
	return "未知单位"
}

// fenPerUnitExp is log10 of 分 per unit.
func (u Unit) fenExp() int {
	if u == WanYuan {
		return 6
	}
	return 2
}

// UnitFromHeader reads the unit from a money column's header:
// "罚款金额（万元）" → WanYuan, "罚款金额(元)" or "金额/元" → Yuan, and
// "罚款金额" → UnitUnknown.
func UnitFromHeader(h string) Unit {
	k := NormalizeHeader(h)
	switch {
	case strings.Contains(k, "万元"):
		return WanYuan
	case strings.Contains(k, "元"):
		return Yuan
	}
	return UnitUnknown
}

// blankAmounts are cell texts clerks use for "no amount".
var blankAmounts = map[string]bool{"-": true, "--": true, "—": true, "——": true, "/": true, "无": true, "空": true}

// The noise tolerance: an amount within 10⁻⁴ 分 (10⁻⁶ 元) of a whole 分 is
// that 分. Spreadsheets store binary floating point, so 0.3 万元 computed by a
// formula is stored as 0.30000000000000004; a clerk's 12.345 元 is not noise
// and is refused.
const noiseDigits = 4

// ParseAmount reads a money cell and returns it in 分 (cents), exactly: no
// floating point is involved.
//
// Accepted: "1234.56", "1,234.56" (thousands separators, checked to be in
// groups of three), full-width digits and punctuation, spaces, a leading
// "￥", "¥", "RMB" or "人民币", a trailing "元", "元整" or "万元", and the
// exponent forms Excel stores for very small or large numbers ("1E-4").
// The unit is unit unless the cell itself ends in 元 or 万元, which wins: "3万元"
// in a 元 column is 3,000,000 分. With UnitUnknown a cell without its own unit
// is an error.
//
// A blank cell, or one holding only "-", "—", "/" or "无", returns ok=false
// and no error. Negative amounts, other text and amounts over int64 分 are
// errors. Precision finer than 1 分 is an error unless it is floating-point
// noise (see noiseDigits), which is rounded to the nearest 分. Errors are
// [*ValueError] with a Chinese reason.
func ParseAmount(s string, unit Unit) (fen int64, ok bool, err error) {
	t := fold(s)
	if t == "" || blankAmounts[t] {
		return 0, false, nil
	}
	for _, p := range []string{"￥", "¥", "RMB", "rmb", "人民币"} {
		t = strings.TrimPrefix(t, p)
	}
	switch {
	case strings.HasSuffix(t, "万元"):
		t, unit = strings.TrimSuffix(t, "万元"), WanYuan
	case strings.HasSuffix(t, "元整"):
		t, unit = strings.TrimSuffix(t, "元整"), Yuan
	case strings.HasSuffix(t, "元"):
		t, unit = strings.TrimSuffix(t, "元"), Yuan
	}
	bad := func() (int64, bool, error) {
		return 0, false, valueErr(s, fmt.Sprintf("无法识别的金额“%s”，应为数字，如 1234.56 或 1,234.56", strings.TrimSpace(s)))
	}
	if t == "" {
		return bad()
	}
	switch t[0] {
	case '-':
		return 0, false, valueErr(s, fmt.Sprintf("金额“%s”不能为负数", strings.TrimSpace(s)))
	case '+':
		t = t[1:]
	}
	if strings.HasPrefix(t, "−") || (strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")")) {
		return 0, false, valueErr(s, fmt.Sprintf("金额“%s”不能为负数", strings.TrimSpace(s)))
	}
	mant, exp, okNum := decimalParts(t)
	if !okNum {
		return bad()
	}
	if unit == UnitUnknown {
		return 0, false, valueErr(s, fmt.Sprintf("金额“%s”的单位不明：表头未注明“元”或“万元”", strings.TrimSpace(s)))
	}
	fen, err = toFen(s, mant, exp+unit.fenExp())
	if err != nil {
		return 0, false, err
	}
	return fen, true, nil
}

// decimalParts splits a non-negative decimal numeral into its significant
// digits (no leading zeros, "" for zero) and a power of ten:
// "1,234.50" → ("123450", -2); "1E-4" → ("1", -4).
func decimalParts(t string) (mant string, exp int, ok bool) {
	num, expPart, hasExp := t, "", false
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		num, expPart, hasExp = t[:i], t[i+1:], true
	}
	intPart, frac, hasDot := strings.Cut(num, ".")
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return "", 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return "", 0, false
			}
		}
		intPart = strings.Join(groups, "")
	}
	if (intPart != "" && !allDigits(intPart)) || (frac != "" && !allDigits(frac)) || intPart+frac == "" || (hasDot && frac == "" && intPart == "") {
		return "", 0, false
	}
	if hasExp {
		if expPart == "" || len(expPart) > 4 {
			return "", 0, false
		}
		sign := 1
		switch expPart[0] {
		case '-':
			sign, expPart = -1, expPart[1:]
		case '+':
			expPart = expPart[1:]
		}
		if !allDigits(expPart) {
			return "", 0, false
		}
		for i := 0; i < len(expPart); i++ {
			exp = exp*10 + int(expPart[i]-'0')
		}
		exp *= sign
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	if digits == "" {
		return "", 0, true
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	if len(trimmed) > 40 {
		return "", 0, false
	}
	return trimmed, exp, true
}

// toFen computes mant × 10^p exactly, as int64 分.
func toFen(orig, mant string, p int) (int64, error) {
	if mant == "" {
		return 0, nil
	}
	tooBig := func() error { return valueErr(orig, fmt.Sprintf("金额“%s”过大", strings.TrimSpace(orig))) }
	if p >= 0 {
		if len(mant)+p > 19 {
			return 0, tooBig()
		}
		var v uint64
		for i := 0; i < len(mant); i++ {
			v = v*10 + uint64(mant[i]-'0')
		}
		for range p {
			v *= 10
		}
		if v > 1<<63-1 {
			return 0, tooBig()
		}
		return int64(v), nil
	}
	if -p > len(mant)+noiseDigits {
		// mant < 10^len(mant), so the amount is below 10^-noiseDigits 分:
		// noise around zero.
		return 0, nil
	}
	m, _ := new(big.Int).SetString(mant, 10)
	q := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-p)), nil)
	quo, rem := new(big.Int).QuoRem(m, q, new(big.Int))
	if rem.Sign() != 0 {
		// |rem/q| in 分 must be ≤ 10^-noiseDigits from 0 or from 1.
		tol := new(big.Int).Quo(q, big.NewInt(10000))
		switch {
		case rem.Cmp(tol) <= 0:
		case new(big.Int).Sub(q, rem).Cmp(tol) <= 0:
			quo.Add(quo, big.NewInt(1))
		default:
			return 0, valueErr(orig, fmt.Sprintf("金额“%s”的精度超过 0.01 元（1 分）", strings.TrimSpace(orig)))
		}
	}
	if !quo.IsInt64() {
		return 0, tooBig()
	}
	return quo.Int64(), nil
}
