// Package docxtext reads back the text of DOCX files for tests, by means
// independent of the library that writes them: the standard library's zip
// and XML readers, and LibreOffice converting the file to plain text (or,
// with Convert, any document to any of its export formats).
package docxtext

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// Read returns the text of a DOCX: every w:t element of its main part
// (word/document.xml), a paragraph (w:p) a line. An archive that is not a
// zip, lacks the main part or holds malformed XML is an error.
func Read(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("not a zip archive: %w", err)
	}
	f, err := zr.Open("word/document.xml")
	if err != nil {
		return "", fmt.Errorf("no main document part: %w", err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var b strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return "", fmt.Errorf("word/document.xml: %w", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			inText = x.Name.Space == wordNS && x.Name.Local == "t"
		case xml.EndElement:
			if x.Name.Space == wordNS && x.Name.Local == "p" {
				b.WriteString("\n")
			}
			inText = false
		case xml.CharData:
			if inText {
				b.Write(x)
			}
		}
	}
}

// ErrNoLibreOffice is returned when soffice is not on the PATH.
var ErrNoLibreOffice = errors.New("soffice (LibreOffice) not found on the PATH")

// LibreOffice converts the DOCX at path to UTF-8 plain text with
// LibreOffice headless and returns the text.
func LibreOffice(ctx context.Context, path string) (string, error) {
	b, err := Convert(ctx, path, "txt:Text (encoded):UTF8", "txt")
	return string(b), err
}

// Convert converts the document at path with LibreOffice headless, by
// its export filter (soffice --convert-to), and returns what it wrote,
// the file of extension ext. A private profile in a temporary directory
// keeps parallel conversions apart.
func Convert(ctx context.Context, path, filter, ext string) ([]byte, error) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		return nil, ErrNoLibreOffice
	}
	dir, err := os.MkdirTemp("", "docxtext")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", filter, "--outdir", dir, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("soffice: %w\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+"."+ext))
	if err != nil {
		return nil, fmt.Errorf("LibreOffice wrote no %s: %w", ext, err)
	}
	return data, nil
}

// InOrder reports the first of want that does not appear in got after the
// previous one, spaces normalised; "" when all do.
func InOrder(got string, want []string) string {
	got = strings.Join(strings.Fields(got), " ")
	at := 0
	for _, w := range want {
		w = strings.Join(strings.Fields(w), " ")
		if w == "" {
			continue
		}
		i := strings.Index(got[at:], w)
		if i < 0 {
			return w
		}
		at += i + len(w)
	}
	return ""
}
