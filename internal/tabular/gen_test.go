package tabular

import (
	"bytes"
	"encoding/csv"
	"testing"

	"fmt"
	"github.com/xuri/excelize/v2"
	"io"
)

// nationalHeaderLine is the national layout's header, as a CSV line.
var nationalHeaderLine = joinHeader(nationalKnown)

func joinHeader(names []string) string {
	var b bytes.Buffer
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n)
	}
	b.WriteByte('\n')
	return b.String()
}

// nationalRow renders record i of a synthetic national-layout file: 28
// columns, realistic lengths (≈ 600 bytes), every 50th record with a quoted
// multi-line fact and every 7th with an amount in thousands-separated form.
func nationalRow(buf *bytes.Buffer, i int) {
	facts := fmt.Sprintf("当事人于%d年%d月%d日在未取得排污许可证的情况下排放污染物，经监测超标%d倍，违反了相关规定", 2020+i%5, 1+i%12, 1+i%28, 1+i%9)
	if i%50 == 0 {
		facts = "\"经查：\n1. " + facts + "；\n2. 拒不改正，情节较重。\""
	}
	fine := fmt.Sprintf("%d.%02d", i%20, i%100)
	if i%7 == 0 {
		fine = fmt.Sprintf("\"%d,%03d.5\"", 1+i%3, i%1000)
	}
	fmt.Fprintf(buf, "江门市某某环保科技有限公司第%d分公司,法人及非法人组织,91440703MA%08dX,,,,,,张%d,身份证,44070319800101%04d,"+
		"江环罚〔%d〕%d号,超标排放大气污染物,%s,《中华人民共和国大气污染防治法》第九十九条第（二）项,罚款,"+
		"处罚款人民币%d元,%s,0,,%d/%d/%d,2099/12/31,%d-%02d-%02d,江门市生态环境局,11440700007XXXXXXX,江门市生态环境局,11440700007XXXXXXX,\n",
		i, i%100000000, i%100, i%10000, 2020+i%5, i%10000, facts, (i%20)*10000, fine,
		2020+i%5, 1+i%12, 1+i%28, 2023+i%5, 1+i%12, 1+i%28)
}

// nationalCSV returns a reader of a header and n generated records, built
// lazily: chunkRows distinct records are rendered once and repeated, so the
// generator costs next to nothing and the file never exists in full.
func nationalCSV(n int) io.Reader { return nationalCSVEncoded(n, nil) }

// nationalCSVEncoded is nationalCSV with each piece of text passed through
// encode (nil: UTF-8 as generated).
func nationalCSVEncoded(n int, encode func([]byte) []byte) io.Reader {
	if encode == nil {
		encode = func(b []byte) []byte { return b }
	}
	const chunkRows = 1000
	var chunk bytes.Buffer
	for i := range chunkRows {
		nationalRow(&chunk, i)
	}
	block := encode(chunk.Bytes())
	readers := []io.Reader{bytes.NewReader(encode([]byte(nationalHeaderLine)))}
	for left := n; left > 0; left -= chunkRows {
		if left >= chunkRows {
			readers = append(readers, bytes.NewReader(block))
			continue
		}
		var part bytes.Buffer
		for i := range left {
			nationalRow(&part, i)
		}
		readers = append(readers, bytes.NewReader(encode(part.Bytes())))
	}
	return io.MultiReader(readers...)
}

// physicalLinesPerChunk is how many physical lines one chunk of 1000
// generated records spans (every 50th record adds two).
const physicalLinesPerChunk = 1000 + 2*20

// makeLargeXLSX writes n generated national-layout records to an XLSX with
// excelize's stream writer.
func makeLargeXLSX(t testing.TB, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	header := make([]any, len(nationalKnown))
	for i, h := range nationalKnown {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for i := range n {
		buf.Reset()
		nationalRow(&buf, i)
		rec, err := csv.NewReader(&buf).Read()
		if err != nil {
			t.Fatal(err)
		}
		row := make([]any, len(rec))
		for j, c := range rec {
			row[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
