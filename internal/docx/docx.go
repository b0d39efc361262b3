// Package docx writes the official documents (公文) of procuratorial casework
// as DOCX files and reads their text back.
//
// The writer is hand-written on archive/zip and encoding/xml rather than a
// third-party library: the candidates (github.com/gomutex/godocx,
// github.com/fumiama/go-docx) have no tagged release, and the layout needed
// here is a fixed sequence of a dozen paragraph kinds, which is less code to
// write directly than to express through a general document model.
//
// The layout follows GB/T 9704-2012 (党政机关公文格式) as used for
// procuratorial documents: A4, margins 37/35/28/26 mm, body in 仿宋_GB2312
// 三号 (16 pt) on an exact 28 pt line pitch, title in 方正小标宋简体 二号,
// the issuing organ in red above a red rule.
//
// Render is deterministic: the same Document yields the same bytes, so a
// stored document can be compared or hashed.
package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Document is one official document (公文) in the layout of Chinese
// procuratorial documents: red header line with the issuing organ, the title,
// the document number, the addressee line, body paragraphs, the signature
// block right-aligned (organ and date), then an optional 抄送 line.
type Document struct {
	Organ      string // issuing organ, printed red and bold at the top
	Title      string
	DocNo      string
	Addressee  string // without the trailing colon; Render adds "："
	Paragraphs []Paragraph
	Signature  string    // organ name in the signature; defaults to Organ
	Date       time.Time // printed as 2026年11月22日 in Asia/Shanghai; omitted when zero
	CC         string    // "抄送：…" line when not empty
}

// Paragraph is one body paragraph; a Heading is printed bold in 黑体.
type Paragraph struct {
	Text    string
	Heading bool
}

// shanghai is a fixed UTC+8 zone: China has had no daylight saving time since
// 1991, and a fixed zone does not depend on tzdata being installed.
var shanghai = time.FixedZone("CST", 8*3600)

// ChineseDate formats t as 2026年11月22日 in Asia/Shanghai time.
func ChineseDate(t time.Time) string {
	t = t.In(shanghai)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// Fonts. w:rFonts takes one name per script; the fallback for each (仿宋,
// SimSun, SimHei) is declared as its w:altName in fontTable.xml.
const (
	fontBody    = "仿宋_GB2312"
	fontTitle   = "方正小标宋简体"
	fontHeading = "黑体"
	fontLatin   = "Times New Roman"
	red         = "FF0000"
)

// Render returns the .docx bytes of d. Characters XML 1.0 forbids (most
// control characters, invalid UTF-8) are dropped so the result is always a
// valid document; Organ and Title must not be empty after that.
func Render(d Document) ([]byte, error) {
	organ, title := clean(d.Organ), clean(d.Title)
	if strings.TrimSpace(organ) == "" {
		return nil, errors.New("docx: empty Organ")
	}
	if strings.TrimSpace(title) == "" {
		return nil, errors.New("docx: empty Title")
	}
	sig := d.Signature
	if strings.TrimSpace(clean(sig)) == "" {
		sig = d.Organ
	}

	var b strings.Builder
	b.WriteString(xmlHeader + `<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>`)
	// Header: organ in red, title, then the number with the red rule under it.
	para(&b, organ, pStyle{align: "center", font: fontTitle, size: 44, bold: true, color: red})
	para(&b, title, pStyle{align: "center", font: fontTitle, size: 44, after: 280})
	para(&b, d.DocNo, pStyle{align: "right", redRule: true, after: 560})
	if a := strings.TrimSpace(clean(d.Addressee)); a != "" {
		para(&b, a+"：", pStyle{})
	}
	for _, p := range d.Paragraphs {
		st := pStyle{indent: true}
		if p.Heading {
			st.font, st.bold = fontHeading, true
		}
		para(&b, p.Text, st)
	}
	// Signature block: a blank line, then organ and date right-aligned,
	// kept about four characters off the right margin as the standard asks.
	para(&b, "", pStyle{})
	para(&b, sig, pStyle{align: "right", rightInd: 1280})
	if !d.Date.IsZero() {
		para(&b, ChineseDate(d.Date), pStyle{align: "right", rightInd: 1280})
	}
	if cc := clean(d.CC); strings.TrimSpace(cc) != "" {
		para(&b, "", pStyle{})
		para(&b, "抄送："+cc, pStyle{size: 28, ccRule: true})
	}
	b.WriteString(sectPr + `</w:body></w:document>`)

	return zipParts(d, organ, title, b.String())
}

// pStyle is the direct formatting of one paragraph; zero values mean the
// body defaults from styles.xml.
type pStyle struct {
	align    string // "", "center", "right"
	font     string // east-Asian font; "" = body font
	size     int    // half-points; 0 = body size
	bold     bool
	color    string
	indent   bool // first line indented two characters
	rightInd int  // twips
	after    int  // spacing after, twips
	redRule  bool // red rule under the paragraph (the header separator)
	ccRule   bool // thin rules above and below (the 版记 of the 抄送 line)
}

// para writes one w:p per line of text: a newline inside a paragraph starts
// a new paragraph with the same formatting.
func para(b *strings.Builder, text string, st pStyle) {
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(clean(text))
	for _, line := range strings.Split(text, "\n") {
		b.WriteString(`<w:p><w:pPr>`)
		switch {
		case st.redRule:
			b.WriteString(`<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="` + red + `"/></w:pBdr>`)
		case st.ccRule:
			b.WriteString(`<w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>`)
		}
		if st.after > 0 {
			fmt.Fprintf(b, `<w:spacing w:after="%d"/>`, st.after)
		}
		switch {
		case st.indent:
			b.WriteString(`<w:ind w:firstLineChars="200" w:firstLine="640"/>`)
		case st.rightInd > 0:
			fmt.Fprintf(b, `<w:ind w:right="%d"/>`, st.rightInd)
		}
		if st.align != "" {
			b.WriteString(`<w:jc w:val="` + st.align + `"/>`)
		}
		b.WriteString(`</w:pPr>`)
		if line != "" {
			b.WriteString(`<w:r>`)
			rPr(b, st)
			// Tabs become w:tab: a literal tab inside w:t is just whitespace.
			for i, part := range strings.Split(line, "\t") {
				if i > 0 {
					b.WriteString(`<w:tab/>`)
				}
				if part != "" {
					b.WriteString(`<w:t xml:space="preserve">` + esc(part) + `</w:t>`)
				}
			}
			b.WriteString(`</w:r>`)
		}
		b.WriteString(`</w:p>`)
	}
}

func rPr(b *strings.Builder, st pStyle) {
	if st.font == "" && st.size == 0 && !st.bold && st.color == "" {
		return
	}
	b.WriteString(`<w:rPr>`)
	if st.font != "" {
		b.WriteString(`<w:rFonts w:ascii="` + fontLatin + `" w:hAnsi="` + fontLatin + `" w:eastAsia="` + st.font + `"/>`)
	}
	if st.bold {
		b.WriteString(`<w:b/><w:bCs/>`)
	}
	if st.color != "" {
		b.WriteString(`<w:color w:val="` + st.color + `"/>`)
	}
	if st.size > 0 {
		fmt.Fprintf(b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, st.size, st.size)
	}
	b.WriteString(`</w:rPr>`)
}

// clean drops invalid UTF-8 and every character outside the XML 1.0 Char
// production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF]); such characters would make the part unreadable.
func clean(s string) string {
	ok := func(r rune) bool {
		return r == '\t' || r == '\n' || r == '\r' ||
			(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && n == 1) && ok(r) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// esc escapes text for element content and attribute values.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsRels    = "http://schemas.openxmlformats.org/package/2006/relationships"
	relOff    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

	// A4 (210×297 mm) with the GB/T 9704 margins: top 37 mm, bottom 35 mm,
	// left 28 mm, right 26 mm (1 mm = 56.7 twips); 28 pt line pitch.
	sectPr = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>` +
		`<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/>` +
		`<w:docGrid w:type="lines" w:linePitch="560"/></w:sectPr>`
)

// zipParts packs the document part with the fixed parts into the package.
func zipParts(d Document, organ, title, document string) ([]byte, error) {
	// Zip entries carry the document date (or the DOS epoch) so that output
	// does not depend on the clock.
	mod := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	created := ""
	if !d.Date.IsZero() && d.Date.Year() >= 1980 && d.Date.Year() < 2108 {
		mod = d.Date.In(shanghai)
		created = `<dcterms:created xsi:type="dcterms:W3CDTF">` + d.Date.UTC().Format(time.RFC3339) + `</dcterms:created>`
	}
	parts := []struct{ name, body string }{
		// [Content_Types].xml comes first: some readers sniff the start of the zip.
		{"[Content_Types].xml", xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
			`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
			`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
			`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
			`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
			`</Types>`},
		{"_rels/.rels", xmlHeader + `<Relationships xmlns="` + nsRels + `">` +
			`<Relationship Id="rId1" Type="` + relOff + `officeDocument" Target="word/document.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
			`<Relationship Id="rId3" Type="` + relOff + `extended-properties" Target="docProps/app.xml"/>` +
			`</Relationships>`},
		{"word/document.xml", document},
		{"word/_rels/document.xml.rels", xmlHeader + `<Relationships xmlns="` + nsRels + `">` +
			`<Relationship Id="rId1" Type="` + relOff + `styles" Target="styles.xml"/>` +
			`<Relationship Id="rId2" Type="` + relOff + `fontTable" Target="fontTable.xml"/>` +
			`</Relationships>`},
		{"word/styles.xml", stylesXML},
		{"word/fontTable.xml", fontTableXML},
		{"docProps/core.xml", xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
			`<dc:title>` + esc(oneLine(title)) + `</dc:title><dc:creator>` + esc(oneLine(organ)) + `</dc:creator>` + created +
			`</cp:coreProperties>`},
		{"docProps/app.xml", xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>xingjian</Application></Properties>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// stylesXML sets the body defaults (仿宋 三号, exact 28 pt lines, justified)
// so that document.xml only carries what differs from them.
var stylesXML = xmlHeader + `<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` +
	`<w:rFonts w:ascii="` + fontLatin + `" w:hAnsi="` + fontLatin + `" w:cs="` + fontLatin + `" w:eastAsia="` + fontBody + `"/>` +
	`<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>` +
	`</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>` +
	`<w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/><w:jc w:val="both"/>` +
	`</w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`</w:styles>`

// fontTableXML names fallbacks for the government fonts, which are rarely
// installed outside government machines.
var fontTableXML = xmlHeader + `<w:fonts xmlns:w="` + nsW + `">` +
	font(fontBody, "仿宋") +
	font(fontTitle, "SimSun") +
	font(fontHeading, "SimHei") +
	font(fontLatin, "") +
	`</w:fonts>`

func font(name, alt string) string {
	s := `<w:font w:name="` + esc(name) + `">`
	if alt != "" {
		s += `<w:altName w:val="` + esc(alt) + `"/>`
	}
	if name != fontLatin {
		s += `<w:charset w:val="86"/>` // GB2312
	}
	return s + `</w:font>`
}
