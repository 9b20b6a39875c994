package document_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/document"
	"github.com/sovmap/sovmap/internal/docxtext"
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

// inOrder fails unless each of want appears in got after the previous one.
func inOrder(t *testing.T, what, got string, want []string) {
	t.Helper()
	if missing := docxtext.InOrder(got, want); missing != "" {
		t.Fatalf("%s: %q missing or out of order", what, missing)
	}
}

func TestDOCXCarriesEveryText(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := document.WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	text, err := docxtext.Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	inOrder(t, "docx (zip+xml reader)", text, texts(d))
}

// TestDOCXOpensInLibreOffice converts the DOCX to text with LibreOffice,
// an independent reader, and finds every text in it. CI installs
// LibreOffice (.ci/run) and fails without it; elsewhere the test needs
// soffice on the PATH.
func TestDOCXOpensInLibreOffice(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := document.WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "sample.docx")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text, err := docxtext.LibreOffice(context.Background(), in)
	if errors.Is(err, docxtext.ErrNoLibreOffice) {
		if os.Getenv("SOVMAP_TEST_CHROMIUM") != "" {
			t.Fatal("soffice not found in a CI run (.ci/run installs libreoffice-writer-nogui)")
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	inOrder(t, "LibreOffice", text, texts(d))
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
	for _, want := range []string{"_sub_title \\*bold\\*_", "## 1. First # section", "### 1.1. Sub", "1. one", "2. **[question]** two?", "| CLOUD Act \\| 2018 | control |", "## Sources"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
}
