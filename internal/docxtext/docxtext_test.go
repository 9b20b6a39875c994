package docxtext

import (
	"archive/zip"
	"bytes"
	"testing"
)

// docx builds a minimal archive with the given main part.
func docx(t *testing.T, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0"?><w:document xmlns:w="` + wordNS + `"><w:body>` + body + `</w:body></w:document>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRead(t *testing.T) {
	got, err := Read(docx(t, `<w:p><w:r><w:t>Article 1.</w:t></w:r><w:r><w:t xml:space="preserve"> Inviolability</w:t></w:r></w:p><w:p><w:r><w:t>A &amp; B</w:t></w:r></w:p>`))
	if err != nil {
		t.Fatal(err)
	}
	if got != "Article 1. Inviolability\nA & B\n" {
		t.Errorf("Read = %q", got)
	}
	if missing := InOrder(got, []string{"Article 1.", "A & B"}); missing != "" {
		t.Errorf("InOrder reports %q missing", missing)
	}
	if missing := InOrder(got, []string{"A & B", "Article 1."}); missing != "Article 1." {
		t.Errorf("out of order: InOrder = %q", missing)
	}
	if missing := InOrder(got, []string{"Immunity"}); missing != "Immunity" {
		t.Errorf("absent text: InOrder = %q", missing)
	}
	if _, err := Read([]byte("not a zip")); err == nil {
		t.Error("a non-zip reads")
	}
	if _, err := Read(docx(t, `<w:p><w:t>unclosed</w:p>`)); err == nil {
		t.Error("malformed XML reads")
	}
}
