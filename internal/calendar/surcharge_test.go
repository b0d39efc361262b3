package calendar

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestSurcharge(t *testing.T) {
	tests := []struct {
		name string
		fine int64
		days int
		want int64
	}{
		{"OneDayIsThreePercent", 10000, 1, 300},         // ¥100 → ¥3
		{"TenDays", 10000, 10, 3000},                    // 30%
		{"ThirtyThreeDaysIsBelowCap", 10000, 33, 9900},  // 99%
		{"ThirtyFourDaysHitsCap", 10000, 34, 10000},     // 102% → capped at the fine
		{"CapHoldsForever", 10000, 100000, 10000},       // never more than the fine
		{"FractionOfFenIsDropped", 12345, 7, 2592},      // 12345 × 21% = 2592.45
		{"LessThanOneFenIsZero", 33, 1, 0},              // 0.99 fen
		{"JustOverOneFen", 34, 1, 1},                    // 1.02 fen
		{"OneFenFine", 1, 33, 0},                        // 0.99 fen
		{"OneFenFineCapped", 1, 34, 1},                  // 1.02 → capped at 1
		{"LargeFine", 50_000_000_00, 15, 22_500_000_00}, // ¥50m × 45%
		{"NoDaysNoSurcharge", 10000, 0, 0},
		{"NegativeDays", 10000, -5, 0},
		{"ZeroFine", 0, 10, 0},
		{"NegativeFine", -10000, 10, 0},
		{"MaxFineCapped", math.MaxInt64, 34, math.MaxInt64},
		{"MaxFineMaxDays", math.MaxInt64, math.MaxInt, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Surcharge(tt.fine, tt.days); got != tt.want {
				t.Fatalf("Surcharge(%d, %d) = %d, want %d", tt.fine, tt.days, got, tt.want)
			}
		})
	}
}

// bigSurcharge is the definition computed with arbitrary precision.
func bigSurcharge(fine int64, days int) int64 {
	if fine <= 0 || days <= 0 {
		return 0
	}
	v := new(big.Int).Mul(big.NewInt(fine), big.NewInt(3*int64(days)))
	v.Quo(v, big.NewInt(100))
	if v.Cmp(big.NewInt(fine)) > 0 {
		return fine
	}
	return v.Int64()
}

func TestSurchargeMatchesExactArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fines := []int64{math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64 / 99, math.MaxInt64/100*100 - 1, 99, 100, 101}
	for range 20000 {
		fines = append(fines, r.Int64N(1<<uint(r.IntN(62)+1)))
	}
	for _, f := range fines {
		for days := -1; days <= 40; days++ {
			if got, want := Surcharge(f, days), bigSurcharge(f, days); got != want {
				t.Fatalf("Surcharge(%d, %d) = %d, want %d", f, days, got, want)
			}
		}
	}
}
