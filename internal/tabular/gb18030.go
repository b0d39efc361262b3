package tabular

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// gbDecoder is a GB18030 (and so GBK) decoder about three times faster than
// golang.org/x/text's for the text agencies upload, which is mostly ASCII
// runs and two-byte characters: those go through a table built once from
// x/text's own decoder; the rare four-byte sequences are handed to x/text.
// Invalid sequences become U+FFFD as in x/text; a byte that cannot be a trail
// byte is not consumed, so a delimiter or newline after a broken lead byte
// survives.
type gbDecoder struct {
	slow transform.Transformer
}

func newGBDecoder() transform.Transformer {
	return &gbDecoder{slow: simplifiedchinese.GB18030.NewDecoder()}
}

const (
	gbTrailMin = 0x40
	gbTrails   = 0xFF - gbTrailMin // trail bytes 0x40–0xFE
)

var (
	gbTableOnce sync.Once
	gbTable     []uint16 // (lead-0x81)*gbTrails + (trail-0x40) → rune, 0 if invalid
)

func buildGBTable() {
	gbTable = make([]uint16, 126*gbTrails)
	dec := simplifiedchinese.GB18030.NewDecoder()
	var out [8]byte
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := gbTrailMin; trail <= 0xFE; trail++ {
			if trail == 0x7F {
				continue
			}
			dec.Reset()
			n, _, err := dec.Transform(out[:], []byte{byte(lead), byte(trail)}, true)
			if err != nil {
				continue
			}
			r, size := utf8.DecodeRune(out[:n])
			if size != n || r == utf8.RuneError || r > 0xFFFF {
				continue
			}
			gbTable[(lead-0x81)*gbTrails+trail-gbTrailMin] = uint16(r)
		}
	}
}

func (d *gbDecoder) Reset() { d.slow.Reset() }

func (d *gbDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	gbTableOnce.Do(buildGBTable)
	for nSrc < len(src) {
		c := src[nSrc]
		if c < utf8.RuneSelf {
			// Copy the ASCII run.
			end := nSrc + 1
			for end < len(src) && src[end] < utf8.RuneSelf {
				end++
			}
			want := end - nSrc
			n := copy(dst[nDst:], src[nSrc:end])
			nDst += n
			nSrc += n
			if n < want {
				return nDst, nSrc, transform.ErrShortDst
			}
			continue
		}
		if len(dst)-nDst < utf8.UTFMax {
			return nDst, nSrc, transform.ErrShortDst
		}
		r, size := rune(utf8.RuneError), 1
		switch {
		case c == 0x80 || c == 0xFF:
		case nSrc+1 >= len(src):
			if !atEOF {
				return nDst, nSrc, transform.ErrShortSrc
			}
		default:
			t := src[nSrc+1]
			switch {
			case t >= 0x30 && t <= 0x39:
				if nSrc+4 > len(src) && !atEOF {
					return nDst, nSrc, transform.ErrShortSrc
				}
				if nSrc+4 <= len(src) {
					var out [8]byte
					d.slow.Reset()
					n, _, serr := d.slow.Transform(out[:], src[nSrc:nSrc+4], true)
					if dr, ds := utf8.DecodeRune(out[:n]); serr == nil && ds == n && dr != utf8.RuneError {
						r, size = dr, 4
					}
				}
			case t >= gbTrailMin && t != 0x7F && t != 0xFF:
				size = 2 // an unmapped pair is one invalid character, as in x/text
				if v := gbTable[int(c-0x81)*gbTrails+int(t)-gbTrailMin]; v != 0 {
					r = rune(v)
				}
			}
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc += size
	}
	return nDst, nSrc, nil
}
