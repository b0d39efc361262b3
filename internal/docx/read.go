package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxDocumentXML bounds how much of word/document.xml Text decompresses, so a
// hostile upload (a zip bomb) cannot exhaust memory.
const maxDocumentXML = 64 << 20

// Text returns the text of the document's paragraphs joined by "\n"; a w:tab
// reads as "\t" and a w:br as "\n". It fails on input that is not a DOCX
// package with a well-formed word/document.xml.
func Text(docx []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		return "", fmt.Errorf("docx: not a zip package: %w", err)
	}
	var f *zip.File
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			f = zf
			break
		}
	}
	if f == nil {
		return "", errors.New("docx: no word/document.xml")
	}
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("docx: %w", err)
	}
	defer rc.Close()

	dec := xml.NewDecoder(io.LimitReader(rc, maxDocumentXML))
	var (
		paras  []string
		cur    strings.Builder
		inPara bool // inside w:p: text outside paragraphs is not document text
		inText bool // inside w:t: other character data is markup whitespace
		sawDoc bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("docx: word/document.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != nsW {
				continue
			}
			switch t.Name.Local {
			case "document":
				sawDoc = true
			case "p":
				inPara = true
				cur.Reset()
			case "t":
				inText = inPara
			case "tab":
				if inPara {
					cur.WriteByte('\t')
				}
			case "br", "cr":
				if inPara {
					cur.WriteByte('\n')
				}
			}
		case xml.EndElement:
			if t.Name.Space != nsW {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if inPara {
					paras = append(paras, cur.String())
				}
				inPara = false
			}
		case xml.CharData:
			if inText {
				cur.Write(t)
			}
		}
	}
	if !sawDoc {
		return "", errors.New("docx: word/document.xml has no w:document")
	}
	return strings.Join(paras, "\n"), nil
}
