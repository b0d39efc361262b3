package tabular

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

func decodeBoth(t testing.TB, src []byte) (fast, ref []byte) {
	t.Helper()
	fast, _, err := transform.Bytes(newGBDecoder(), src)
	if err != nil {
		t.Fatal(err)
	}
	ref, _, _ = transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), src)
	return fast, ref
}

func TestGBDecoderMatchesXText(t *testing.T) {
	// Every valid two-byte sequence.
	var all bytes.Buffer
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail != 0x7F {
				all.Write([]byte{byte(lead), byte(trail), ','})
			}
		}
	}
	if fast, ref := decodeBoth(t, all.Bytes()); !bytes.Equal(fast, ref) {
		t.Fatal("two-byte table differs from x/text")
	}
	// Random text of every plane, encoded and decoded back, through a
	// reader small enough to split sequences across buffers.
	rng := rand.New(rand.NewSource(1))
	var text []rune
	for range 200000 {
		switch rng.Intn(4) {
		case 0:
			text = append(text, rune(0x20+rng.Intn(0x5F)))
		case 1:
			text = append(text, rune(0x4E00+rng.Intn(0x5200)))
		case 2:
			text = append(text, rune(0x80+rng.Intn(0xD800-0x80)))
		default:
			text = append(text, rune(0x10000+rng.Intn(0x100000)))
		}
	}
	enc, _, err := transform.Bytes(simplifiedchinese.GB18030.NewEncoder(), []byte(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := got.ReadFrom(transform.NewReader(&oneByteReader{enc}, newGBDecoder())); err != nil {
		t.Fatal(err)
	}
	if got.String() != string(text) {
		t.Fatal("round trip through the fast decoder differs")
	}
}

type oneByteReader struct{ b []byte }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(o.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 7)], o.b)
	o.b = o.b[n:]
	return n, nil
}

func TestGBDecoderInvalidInput(t *testing.T) {
	for _, src := range []string{"\x80", "\xff", "\x81", "\x81\x30", "\x81\x30\x81", "\xd6\x2c", "\xd6\x7f", "a\x81\x30\xff\x30b"} {
		out, _, err := transform.Bytes(newGBDecoder(), []byte(src))
		if err != nil || !utf8.Valid(out) || !bytes.ContainsRune(out, utf8.RuneError) {
			t.Errorf("%q → %q, %v", src, out, err)
		}
	}
	// A broken character does not swallow the delimiter after it.
	if out, _, _ := transform.Bytes(newGBDecoder(), []byte("\xd6,x")); string(out) != "\uFFFD,x" {
		t.Errorf("got %q", out)
	}
}
