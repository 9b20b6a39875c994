package document_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/document"
)

// sample is a document with every kind of block and text that markup
// would misread.
func sample() *document.Document {
	d := &document.Document{Title: "Sample <title> & more", Subtitle: "sub_title *bold*", Notice: document.Disclaimer,
		Fields: []document.Field{{Name: "Organization", Value: "A | B"}}}
	law := d.Cite("GDPR art. 46", "https://eur-lex.europa.eu/eli/reg/2016/679/oj")
	d.Sections = []document.Section{{
		Number: "1", Title: "First # section",
		Blocks: []document.Block{
			document.P("law", "Personal data needs a tool <script>alert(1)</script> [link](x).", law),
			document.List(true, document.Paragraph{Text: "one"}, document.Paragraph{Label: "question", Text: "two?"}),
			document.List(false, document.Paragraph{Text: "- dash first"}),
			document.Table([]string{"Law", "Via"}, [][]string{{"CLOUD Act | 2018", "control"}}),
			document.Note("a note", law),
		},
		Sections: []document.Section{{Number: "1.1", Title: "Sub", Blocks: []document.Block{document.P("", "deep")}}},
	}}
	if again := d.Cite("GDPR art. 46", "https://eur-lex.europa.eu/eli/reg/2016/679/oj"); again != law {
		panic("Cite added a source twice")
	}
	return d
}

// texts lists, in reading order, every text the document carries: what any
// rendering must show.
func texts(d *document.Document) []string {
	out := []string{d.Title, d.Subtitle, d.Notice}
	for _, f := range d.Fields {
		out = append(out, f.Name, f.Value)
	}
	var walk func(s document.Section)
	walk = func(s document.Section) {
		out = append(out, s.Title)
		for _, b := range s.Blocks {
			switch b.Kind {
			case document.KindParagraph, document.KindNote:
				out = append(out, b.Para.Text)
			case document.KindList:
				for _, it := range b.Items {
					out = append(out, it.Text)
				}
			case document.KindTable:
				out = append(out, b.Header...)
				for _, r := range b.Rows {
					out = append(out, r...)
				}
			}
		}
		for _, sub := range s.Sections {
			walk(sub)
		}
	}
	for _, s := range d.Sections {
		walk(s)
	}
	for _, s := range d.Sources {
		out = append(out, s.Title, s.Where)
	}
	return out
}

// inOrder fails unless each of want appears in got after the previous one,
// spaces normalised.
func inOrder(t *testing.T, what, got string, want []string) {
	t.Helper()
	got = strings.Join(strings.Fields(got), " ")
	at := 0
	for _, w := range want {
		w = strings.Join(strings.Fields(w), " ")
		if w == "" {
			continue
		}
		i := strings.Index(got[at:], w)
		if i < 0 {
			t.Fatalf("%s: %q missing (or out of order) after offset %d", what, w, at)
		}
		at += i + len(w)
	}
}

// docxText reads the text of a DOCX with the standard library alone (zip
// and XML), not with the library that wrote it: every w:t of the main
// part, a paragraph (w:p) a line.
func docxText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var part *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			part = f
		}
	}
	if part == nil {
		t.Fatal("no word/document.xml")
	}
	rc, err := part.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	var b strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("word/document.xml is not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			inText = x.Name.Space == w && x.Name.Local == "t"
		case xml.EndElement:
			if x.Name.Space == w && x.Name.Local == "p" {
				b.WriteString("\n")
			}
			inText = false
		case xml.CharData:
			if inText {
				b.Write(x)
			}
		}
	}
	return b.String()
}

func TestDOCXCarriesEveryText(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := document.WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	inOrder(t, "docx (zip+xml reader)", docxText(t, buf.Bytes()), texts(d))
}

// TestDOCXOpensInLibreOffice converts the DOCX to text with LibreOffice,
// an independent reader, and finds every text in it. CI installs
// LibreOffice (.ci/run); elsewhere the test needs soffice on the PATH.
func TestDOCXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("SOVMAP_TEST_CHROMIUM") != "" {
			t.Fatal("soffice not found, but this is a CI run (.ci/run installs libreoffice-writer-nogui)")
		}
		t.Skip("soffice (LibreOffice) not installed; .ci/run installs it")
	}
	d := sample()
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := document.WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "sample.docx")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := LibreOfficeText(t, soffice, in)
	inOrder(t, "LibreOffice", text, texts(d))
}

// LibreOfficeText converts a DOCX to plain text with LibreOffice headless
// and returns it; a private profile keeps parallel runs apart.
func LibreOfficeText(t *testing.T, soffice, in string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	txt := filepath.Join(dir, strings.TrimSuffix(filepath.Base(in), ".docx")+".txt")
	data, err := os.ReadFile(txt)
	if err != nil {
		t.Fatalf("LibreOffice wrote no text: %v", err)
	}
	return string(data)
}

func TestMarkdownAndHTMLEscape(t *testing.T) {
	d := sample()
	var md, html bytes.Buffer
	if err := document.WriteMarkdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := document.WriteHTML(&html, d); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "[link](x)"} {
		if strings.Contains(md.String(), bad) {
			t.Errorf("markdown keeps %q as markup:\n%s", bad, md.String())
		}
	}
	if strings.Contains(html.String(), "<script>") || !strings.Contains(html.String(), "&lt;script&gt;") {
		t.Errorf("html does not escape the text")
	}
	for _, want := range []string{"<h2>1. First # section</h2>", "<h3>1.1. Sub</h3>", "<ol>", "<th>Law</th>", `<p class="notice">`} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("html lacks %q", want)
		}
	}
	for _, want := range []string{"## 1. First # section", "### 1.1. Sub", "1. one", "2. **[question]** two?", "| CLOUD Act \\| 2018 | control |", "## Sources"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
}
