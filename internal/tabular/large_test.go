package tabular

import (
	"errors"
	"io"
	"runtime"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// TestCSVStreamsInBoundedMemory reads a generated national-layout CSV of
// about 200 MB (60 MB under the race detector) from an io.Reader, never
// written to disk, and checks that the live heap stays small throughout.
func TestCSVStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads hundreds of MB")
	}
	n := 370_000 // ≈ 200 MB
	if raceEnabled {
		n = 100_000
	}
	n -= n % 1000
	counter := &countingReader{r: nationalCSV(n)}
	c, err := NewCSVReader(counter)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	rows, lastLine := 0, 0
	start := time.Now()
	for {
		r, err := c.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Line <= lastLine || len(r.Cells) != 28 {
			t.Fatalf("row %d: line %d after %d, %d cells", rows, r.Line, lastLine, len(r.Cells))
		}
		lastLine = r.Line
		rows++
		if rows%25_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	elapsed := time.Since(start)
	if rows != n+1 {
		t.Fatalf("%d rows, want %d", rows, n+1)
	}
	if want := 1 + n/1000*physicalLinesPerChunk; lastLine != want {
		t.Fatalf("last record on line %d, want %d", lastLine, want)
	}
	const bound = 64 << 20
	t.Logf("read %d MB, %d rows in %v; heap in use peaked at %.1f MB (%.1f MB before)",
		counter.n>>20, rows, elapsed.Round(time.Millisecond), float64(peak)/(1<<20), float64(base)/(1<<20))
	if peak > base+bound {
		t.Fatalf("heap in use reached %d bytes while streaming, more than %d over the baseline", peak, bound)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func benchmarkCSV(b *testing.B, rows int, encode func([]byte) []byte, parse bool) {
	b.ReportAllocs()
	var total, bytes int64
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		counter := &countingReader{r: nationalCSVEncoded(rows, encode)}
		b.StartTimer()
		start := time.Now()
		c, err := NewCSVReader(counter)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			r, err := c.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
			if parse && n > 1 {
				if IsBlank(r) || IsTotalRow(r) {
					b.Fatal("unexpected blank or total row")
				}
				if _, _, err := ParseAmount(r.Cell(17), WanYuan); err != nil {
					b.Fatal(err)
				}
				if _, _, err := ParseAmount(r.Cell(18), WanYuan); err != nil {
					b.Fatal(err)
				}
				for _, col := range []int{20, 21, 22} {
					if _, err := ParseDate(r.Cell(col)); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		elapsed += time.Since(start)
		total += int64(n)
		bytes += counter.n
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(bytes)/elapsed.Seconds()/(1<<20), "MB/s")
}

// BenchmarkCSVNational1M reads a generated 1,000,000-row national-layout
// CSV (≈ 560 MB of UTF-8), streamed from a generator.
func BenchmarkCSVNational1M(b *testing.B) { benchmarkCSV(b, 1_000_000, nil, false) }

// BenchmarkCSVNational1MParsed adds what an importer does with every row:
// blank/total checks, two amounts and three dates.
func BenchmarkCSVNational1MParsed(b *testing.B) { benchmarkCSV(b, 1_000_000, nil, true) }

// BenchmarkCSVNational1MGB18030 reads the same file encoded in GB18030.
func BenchmarkCSVNational1MGB18030(b *testing.B) {
	benchmarkCSV(b, 1_000_000, func(p []byte) []byte {
		out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewEncoder(), p)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}, false)
}

// BenchmarkXLSXNational100k reads a 100,000-row national-layout XLSX written
// by excelize's stream writer (generated once, outside the timer).
func BenchmarkXLSXNational100k(b *testing.B) {
	const n = 100_000
	data := makeLargeXLSX(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	var rows int
	var elapsed time.Duration
	for b.Loop() {
		start := time.Now()
		book, err := openBytes(data, "big.xlsx")
		if err != nil {
			b.Fatal(err)
		}
		rs, err := book.Rows(0)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := rs.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		_ = rs.Close()
		_ = book.Close()
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
}
