package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// A workbook is a zip, whose central directory comes last, so excelize
// assembles the whole of it before writing its first byte: at a million
// components, 46 s after the download was asked for. fillSheet instead
// writes excelize's workbook entry by entry, as it comes, and one sheet's
// rows into that sheet's XML while copying it. excelize still decides
// everything else (styles, tables, widths, panes, the other sheets); the
// rows are written as its stream writer writes them (inline strings,
// numbers), and the tests read the result back with excelize and compare
// it with a workbook excelize made whole.

// fillSheet writes f to w as a zip, with the rows each gives written into
// the named sheet after those f holds (its header). Exactly size rows
// must come: f's table on the sheet was sized for them.
func fillSheet(w io.Writer, f *excelize.File, sheet string, size int, each func(add func(row []any) error) error) error {
	var shell bytes.Buffer
	if err := f.Write(&shell); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(shell.Bytes()), int64(shell.Len()))
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	target, err := sheetPart(zr, sheet)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, zf := range zr.File {
		if zf == target {
			continue
		}
		if err := zw.Copy(zf); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	xmlText, err := readPart(target)
	if err != nil {
		return err
	}
	// The rows go at the end of the sheet's data, after the header.
	end := bytes.LastIndex(xmlText, []byte("</sheetData>"))
	if end < 0 {
		return fmt.Errorf("xlsx: the %s sheet has no sheetData", sheet)
	}
	pw, err := zw.CreateHeader(&zip.FileHeader{Name: target.Name, Method: zip.Deflate, Modified: target.Modified})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	// The other parts and the sheet's own header leave now, not in the
	// zip's next 4 KiB.
	if err := zw.Flush(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(pw, 64<<10)
	if _, err := bw.Write(xmlText[:end]); err != nil {
		return err
	}
	rw := newRowWriter(bw, 2)
	if err := each(rw.add); err != nil {
		return err
	}
	if n := rw.next - 2; n != size {
		return fmt.Errorf("xlsx: %d rows came for the %s sheet, %d were announced", n, sheet, size)
	}
	if _, err := bw.Write(xmlText[end:]); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// readPart returns the uncompressed content of a zip entry.
func readPart(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", zf.Name, err)
	}
	return b, nil
}

// sheetPart returns the zip entry of the named sheet, as the workbook and
// its relationships say.
func sheetPart(zr *zip.Reader, sheet string) (*zip.File, error) {
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	for name, v := range map[string]any{"xl/workbook.xml": &book, "xl/_rels/workbook.xml.rels": &rels} {
		zf, err := open(zr, name)
		if err != nil {
			return nil, err
		}
		b, err := readPart(zf)
		if err != nil {
			return nil, err
		}
		if err := xml.Unmarshal(b, v); err != nil {
			return nil, fmt.Errorf("xlsx: %s: %w", name, err)
		}
	}
	for _, s := range book.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.ID {
				p := path.Join("xl", r.Target)
				if path.IsAbs(r.Target) {
					p = r.Target[1:]
				}
				return open(zr, p)
			}
		}
	}
	return nil, fmt.Errorf("xlsx: the workbook has no %s sheet", sheet)
}

// open returns the zip entry of that name.
func open(zr *zip.Reader, name string) (*zip.File, error) {
	for _, zf := range zr.File {
		if zf.Name == name {
			return zf, nil
		}
	}
	return nil, fmt.Errorf("xlsx: the workbook has no %s", name)
}

// rowWriter writes rows of a sheet's XML: a string as an inline string, an
// int as a number, nil as no cell, as excelize's stream writer does.
type rowWriter struct {
	w *bufio.Writer
	// next is the number of the next row.
	next int
	// cols are the column names, A, B, ..., as far as rows have gone.
	cols []string
	buf  []byte
}

func newRowWriter(w *bufio.Writer, first int) *rowWriter {
	return &rowWriter{w: w, next: first}
}

// add writes a row.
func (rw *rowWriter) add(row []any) error {
	for len(rw.cols) < len(row) {
		name, err := excelize.ColumnNumberToName(len(rw.cols) + 1)
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		rw.cols = append(rw.cols, name)
	}
	b := append(rw.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(rw.next), 10)
	b = append(b, `">`...)
	for i, v := range row {
		if v == nil {
			continue
		}
		b = append(b, `<c r="`...)
		b = append(b, rw.cols[i]...)
		b = strconv.AppendInt(b, int64(rw.next), 10)
		switch v := v.(type) {
		case string:
			b = append(b, `" t="inlineStr"><is>`...)
			b = appendText(b, v)
			b = append(b, `</is></c>`...)
		case int:
			b = append(b, `"><v>`...)
			b = strconv.AppendInt(b, int64(v), 10)
			b = append(b, `</v></c>`...)
		default:
			return fmt.Errorf("xlsx: row %d column %s: no cell of type %T", rw.next, rw.cols[i], v)
		}
	}
	b = append(b, `</row>`...)
	rw.buf = b
	rw.next++
	_, err := rw.w.Write(b)
	return err
}

// appendText appends the <t> element of a string cell. As in excelize: a
// string longer than a cell holds (32,767 UTF-16 units) is cut, one that
// starts or ends with white space keeps it (xml:space), a character XML
// cannot carry becomes U+FFFD. And as the format asks (ECMA-376 Part 1,
// 22.9.2.19 ST_Xstring): text of the form _xHHHH_, which readers take for
// an escaped character, has its underscore escaped as _x005F_.
func appendText(b []byte, s string) []byte {
	s = truncateUTF16(s, excelize.TotalCellChars)
	b = append(b, "<t"...)
	if s != "" && (isSpace(s[0]) || isSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '\r':
			// A literal CR would be read as a line feed.
			b = append(b, "&#xD;"...)
		case r == '_' && escapedLike(s[i+1:]):
			b = append(b, "_x005F_"...)
		case r == utf8.RuneError && size == 1, !xmlChar(r):
			b = utf8.AppendRune(b, '\uFFFD')
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, "</t>"...)
}

// escapedLike says whether s starts with xHHHH_, the rest of an escaped
// character after its underscore.
func escapedLike(s string) bool {
	if len(s) < 6 || s[0] != 'x' || s[5] != '_' {
		return false
	}
	for _, c := range []byte(s[1:5]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// xmlChar says whether XML 1.0 can carry r (its production Char).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// truncateUTF16 cuts s to at most n UTF-16 code units, at a character.
func truncateUTF16(s string, n int) string {
	if len(s) <= n {
		// Every byte is at most one unit.
		return s
	}
	units := 0
	for i, r := range s {
		if units += utf16.RuneLen(r); units > n {
			return s[:i]
		}
	}
	return s
}
