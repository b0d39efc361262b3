package calendar

// Surcharge returns the late-payment surcharge (加处罚款) in fen for a fine of fineCents fen paid days days
// late: 3% of the fine for each day, never more than the fine itself (行政处罚法 第七十二条第一项 "每日按罚款数额
// 的百分之三加处罚款，加处罚款的数额不得超出罚款的数额"; 行政强制法 第四十五条).
//
// The arithmetic is exact in integers: floor(fineCents × 3 × days / 100), capped at fineCents. A fraction of a
// fen is dropped, never rounded up, so the party is never charged more than the statute allows. Zero or
// negative fines or days give 0; no input overflows.
//
// days is the number of days after the payment period's last day (see [PenaltyPayment]) up to and including
// the day of payment, i.e. paidOn.Sub(due) when positive. Days while 行政复议 or 行政诉讼 is pending are not
// counted (行政处罚法 第七十三条第三款); the caller subtracts them.
func Surcharge(fineCents int64, days int) int64 {
	if fineCents <= 0 || days <= 0 {
		return 0
	}
	if days >= 34 { // 34 × 3% = 102% ≥ the cap
		return fineCents
	}
	// fine = 100q + r, so fine×3×days/100 = q×3×days + r×3×days/100 with no overflow: q×99 < 2^63.
	q, r := fineCents/100, fineCents%100
	d := int64(days)
	return min(q*3*d+r*3*d/100, fineCents)
}
