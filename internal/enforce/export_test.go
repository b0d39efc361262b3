package enforce

// LegacyHash is the content hash as releases before the compact hash wrote
// it, for the compatibility test.
func LegacyHash(p *Penalty) string { return legacyHash(p.DocNo, p.values()) }

func init() {
	// legacyColumns must end at flags, the last column the JSON hash covered.
	if penaltyColumns[legacyColumns-1] != "flags" {
		panic("enforce: legacyColumns does not end at flags")
	}
}
