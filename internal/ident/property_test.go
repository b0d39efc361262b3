package ident

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestProperty_MakeUSCCAlwaysParses: every code MakeUSCC builds from random valid parts parses
// without error, with the embedded organisation code valid, and round-trips its parts.
func TestProperty_MakeUSCCAlwaysParses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() byte { return usccChars[rng.IntN(len(usccChars))] }
	for i := 0; i < 20000; i++ {
		dept, cat := pick(), pick()
		region := fmt.Sprintf("%06d", rng.IntN(1000000))
		var body [8]byte
		for j := range body {
			body[j] = pick()
		}
		code := MakeUSCC(dept, cat, region, string(body[:]))
		u, err := ParseUSCC(code)
		if err != nil {
			t.Fatalf("MakeUSCC(%c,%c,%s,%s) = %q; ParseUSCC error %v", dept, cat, region, body, code, err)
		}
		if u.Code != code || u.Dept != string(dept) || u.Category != string([]byte{dept, cat}) ||
			u.Region != region || u.OrgCode[:8] != string(body[:]) || !u.OrgCodeValid {
			t.Fatalf("round trip of %q: %+v", code, u)
		}
		if _, err := ParseOrgCode(u.OrgCode); err != nil {
			t.Fatalf("embedded org code %q: %v", u.OrgCode, err)
		}
		// Any other check character is a soft bad_check.
		other := usccChars[(int(usccValue[code[17]])+1+rng.IntN(30))%31]
		bad := code[:17] + string(other)
		if _, err := ParseUSCC(bad); ErrorCode(err) != CodeBadCheck || !IsSoft(err) {
			t.Fatalf("ParseUSCC(%q) error %v, want bad_check", bad, err)
		}
	}
}

// TestProperty_ResidentIDCheckCharAgreesWithParse: for random well-formed numbers, the number with
// ResidentIDCheckChar's character parses cleanly and every other check character gives bad_check.
func TestProperty_ResidentIDCheckCharAgreesWithParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	idx := regionIndex()
	const all = "0123456789X"
	for i := 0; i < 20000; i++ {
		region := fmt.Sprintf("%06d", idx[rng.IntN(len(idx))].code)
		y := minBirthYear + rng.IntN(testNow.Year()-minBirthYear)
		m := 1 + rng.IntN(12)
		d := 1 + rng.IntN(daysIn(y, m))
		seq := rng.IntN(1000)
		first17 := fmt.Sprintf("%s%04d%02d%02d%03d", region, y, m, d, seq)
		c, err := ResidentIDCheckChar(first17)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < len(all); j++ {
			number := first17 + string(all[j])
			id, err := ParseResidentIDAsOf(number, testNow)
			if all[j] == c {
				if err != nil {
					t.Fatalf("ParseResidentIDAsOf(%q) error %v", number, err)
				}
			} else if ErrorCode(err) != CodeBadCheck {
				t.Fatalf("ParseResidentIDAsOf(%q) error %v, want bad_check (check is %c)", number, err, c)
			}
			if id.Number != number || id.Birth != date(y, m, d) || id.Male != (seq%2 == 1) || id.RegionName == "" {
				t.Fatalf("ParseResidentIDAsOf(%q) = %+v", number, id)
			}
		}
		// The 15-digit form of a 19xx number converts to the same 18-digit number.
		if y >= 1900 && y <= 1999 {
			legacy := first17[:6] + first17[8:17]
			id, err := ParseResidentIDAsOf(legacy, testNow)
			if err != nil || id.Number != first17+string(c) || !id.Converted {
				t.Fatalf("ParseResidentIDAsOf(%q) = %+v, %v; want %s%c", legacy, id, err, first17, c)
			}
		}
	}
}
