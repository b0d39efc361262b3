package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/docx/docxtest"
)

func sample() Document {
	return Document{
		Organ:     "示范区人民检察院",
		Title:     "检察建议书",
		DocNo:     "示检行建〔2026〕3号",
		Addressee: "示范区市场监督管理局",
		Paragraphs: []Paragraph{
			{Text: "一、基本事实", Heading: true},
			{Text: "本院在履行职责中发现，某公司 <&> \"违法\" 'A&B' 经营。\n第二行\t制表"},
			{Text: "二、建议事项", Heading: true},
			{Text: "请于收到本建议书之日起两个月内书面回复本院。"},
		},
		// 16:30 UTC is already the next day in Shanghai.
		Date: time.Date(2026, 11, 21, 16, 30, 0, 0, time.UTC),
		CC:   "示范区人民政府",
	}
}

func TestRoundTrip(t *testing.T) {
	b, err := Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	checkPackage(t, b)
	got, err := Text(b)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"示范区人民检察院",
		"检察建议书",
		"示检行建〔2026〕3号",
		"示范区市场监督管理局：",
		"一、基本事实",
		"本院在履行职责中发现，某公司 <&> \"违法\" 'A&B' 经营。",
		"第二行\t制表",
		"二、建议事项",
		"请于收到本建议书之日起两个月内书面回复本院。",
		"",
		"示范区人民检察院", // Signature defaults to Organ
		"2026年11月22日",
		"",
		"抄送：示范区人民政府",
	}, "\n")
	if got != want {
		t.Errorf("Text:\n%s\nwant:\n%s", got, want)
	}

	// Render is deterministic.
	b2, _ := Render(sample())
	if !bytes.Equal(b, b2) {
		t.Error("two renders of one document differ")
	}
}

func TestOptionalFields(t *testing.T) {
	d := Document{Organ: "甲院", Title: "通知", Signature: "乙院"}
	b, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	checkPackage(t, b)
	got, _ := Text(b)
	// No addressee, date or CC lines; the number line stays (it carries the red rule).
	if want := "甲院\n通知\n\n\n乙院"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func TestRenderErrors(t *testing.T) {
	for _, d := range []Document{
		{Title: "检察建议书"},
		{Organ: "示范区人民检察院"},
		{Organ: " \x00\x01 ", Title: "x"}, // empty once forbidden characters are gone
	} {
		if _, err := Render(d); err == nil {
			t.Errorf("Render(%+v): no error", d)
		}
	}
}

func TestTextRejectsGarbage(t *testing.T) {
	// A zip without word/document.xml, and one whose document.xml is broken.
	zipOf := func(name, body string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create(name)
		io.WriteString(w, body)
		zw.Close()
		return buf.Bytes()
	}
	good, _ := Render(sample())
	mustFail := [][]byte{
		nil,
		[]byte("not a docx"),
		[]byte("PK\x03\x04garbage"),
		good[:len(good)/2],
		zipOf("hello.txt", "hi"),
		zipOf("word/document.xml", "<w:document><w:p>"),
		zipOf("word/document.xml", "<html/>"),
	}
	inputs := mustFail
	r := rand.New(rand.NewSource(1))
	for range 50 {
		g := make([]byte, r.Intn(2000))
		r.Read(g)
		inputs = append(inputs, g)
		// Flip bytes in a real document too: mostly caught by the zip CRC.
		m := bytes.Clone(good)
		for range 1 + r.Intn(5) {
			m[r.Intn(len(m))] ^= byte(1 + r.Intn(255))
		}
		inputs = append(inputs, m)
	}
	for i, in := range inputs {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("input %d: Text panicked: %v", i, p)
				}
			}()
			if _, err := Text(in); err == nil && i < len(mustFail) {
				t.Errorf("input %d: Text returned no error", i)
			}
		}()
	}
}

// TestRandomText renders random strings with invalid UTF-8, control
// characters and XML specials: the package must stay valid, and the text
// must come back minus exactly the characters XML 1.0 forbids.
func TestRandomText(t *testing.T) {
	alphabet := []string{"a", "检", "察", " ", "<", ">", "&", "\"", "'", "\t", "\n", "\r", "\r\n",
		"\x00", "\x01", "\x0b", "\x1f", "\x7f", "\xff", "\xc3", "\xed\xa0\x80", "\uFFFE", "\uFFFD", "😀", "]]>", "&amp;"}
	r := rand.New(rand.NewSource(42))
	rnd := func() string {
		var b strings.Builder
		for range r.Intn(30) {
			b.WriteString(alphabet[r.Intn(len(alphabet))])
		}
		return b.String()
	}
	for i := range 100 {
		p := rnd()
		d := Document{Organ: "院" + rnd(), Title: "书" + rnd(), DocNo: rnd(), Addressee: rnd(),
			Paragraphs: []Paragraph{{Text: p, Heading: i%2 == 0}}, Signature: rnd(), CC: rnd()}
		b, err := Render(d)
		if err != nil {
			t.Fatalf("Render(%q): %v", p, err)
		}
		checkPackage(t, b)
		got, err := Text(b)
		if err != nil {
			t.Fatalf("Text: %v", err)
		}
		want := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(clean(p))
		if !strings.Contains(got, "\n"+want+"\n") {
			t.Fatalf("paragraph %q: want %q in\n%q", p, want, got)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("<&>", "\x00\xff\n\r\t")
	f.Add("检察建议书", "一、基本事实\n二、建议")
	f.Fuzz(func(t *testing.T, title, text string) {
		b, err := Render(Document{Organ: "院", Title: "书" + title, Paragraphs: []Paragraph{{Text: text}}})
		if err != nil {
			t.Fatal(err)
		}
		checkPackage(t, b)
		got, err := Text(b)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(clean(text))
		if !strings.Contains(got, "\n"+want+"\n") {
			t.Fatalf("want %q in %q", want, got)
		}
	})
}

func TestClean(t *testing.T) {
	in := "a\x00b\x08c\td\ne\rf\x1f\x7fg\xffh\uFFFE\uFFFF\uFFFD😀"
	if got, want := clean(in), "abc\td\ne\rf\x7fgh\uFFFD😀"; got != want {
		t.Errorf("clean = %q, want %q", got, want)
	}
}

// checkPackage asserts that b is a zip holding the required parts, each
// well-formed XML.
func checkPackage(t *testing.T, b []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	have := map[string]bool{}
	for _, f := range zr.File {
		have[f.Name] = true
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		dec := xml.NewDecoder(rc)
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s not well-formed: %v", f.Name, err)
			}
		}
		rc.Close()
	}
	for _, p := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
		"word/_rels/document.xml.rels", "docProps/core.xml", "docProps/app.xml"} {
		if !have[p] {
			t.Errorf("missing part %s", p)
		}
	}
}

// TestLibreOffice follows the project rule "a document is opened and read
// back": LibreOffice converts the file to text and the text must be there.
func TestLibreOffice(t *testing.T) {
	t.Parallel()
	b, err := Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	s := docxtest.LibreOfficeText(t, b)
	for _, want := range []string{"示范区人民检察院", "检察建议书", "示检行建〔2026〕3号", "示范区市场监督管理局：",
		"本院在履行职责中发现，某公司 <&> \"违法\" 'A&B' 经营。", "请于收到本建议书之日起两个月内书面回复本院。",
		"2026年11月22日", "抄送：示范区人民政府"} {
		if !strings.Contains(s, want) {
			t.Errorf("LibreOffice text lacks %q:\n%s", want, s)
		}
	}
}
