package document

import (
	"fmt"
	"io"
	"strings"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
)

// WriteDOCX writes the document as a Word file (WordprocessingML), built
// with github.com/gomutex/godocx on its default template: the title and
// headings in Word's heading styles, so counsel get a navigable outline,
// paragraphs with their label in bold, lists, tables in the grid style and
// notes in the quote style.
func WriteDOCX(w io.Writer, d *Document) error {
	doc, err := godocx.NewDocument()
	if err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	if _, err := doc.AddHeading(d.Title, 0); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	if d.Subtitle != "" {
		doc.AddParagraph(d.Subtitle).Style("Subtitle")
	}
	if d.Notice != "" {
		p := doc.AddEmptyParagraph()
		p.Style("IntenseQuote")
		p.AddText(d.Notice).Bold(true)
	}
	for _, f := range d.Fields {
		p := doc.AddEmptyParagraph()
		p.AddText(f.Name + ": ").Bold(true)
		p.AddText(f.Value)
	}
	for i := range d.Sections {
		if err := docxSection(doc, &d.Sections[i], 1); err != nil {
			return err
		}
	}
	if len(d.Sources) > 0 {
		if _, err := doc.AddHeading(SourcesTitle, 1); err != nil {
			return fmt.Errorf("docx: %w", err)
		}
		docxTable(doc, sourcesHeader, d.sourcesTable())
	}
	if err := doc.Write(w); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	return nil
}

func docxSection(doc *docx.RootDoc, s *Section, level uint) error {
	if _, err := doc.AddHeading(s.heading(), min(level, 9)); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	for _, b := range s.Blocks {
		switch b.Kind {
		case KindParagraph:
			docxPara(doc.AddEmptyParagraph(), b.Para, "")
		case KindNote:
			p := doc.AddEmptyParagraph()
			p.Style("Quote")
			docxPara(p, b.Para, "Note: ")
		case KindList:
			for i, it := range b.Items {
				p := doc.AddEmptyParagraph()
				if b.Numbered {
					p.Style("List")
					docxPara(p, it, fmt.Sprintf("%d. ", i+1))
					continue
				}
				p.Style("ListBullet")
				docxPara(p, it, "")
			}
		case KindTable:
			docxTable(doc, b.Header, b.Rows)
		}
	}
	for i := range s.Sections {
		if err := docxSection(doc, &s.Sections[i], level+1); err != nil {
			return err
		}
	}
	return nil
}

// docxPara writes a paragraph's prefix, label, text and sources as runs.
func docxPara(p *docx.Paragraph, para Paragraph, prefix string) {
	if prefix != "" {
		p.AddText(prefix).Bold(true)
	}
	if para.Label != "" {
		p.AddText("[" + para.Label + "] ").Bold(true)
	}
	p.AddText(oneLine(para.Text))
	if r := refs(para.Sources); r != "" {
		p.AddText(" " + r)
	}
}

func docxTable(doc *docx.RootDoc, header []string, rows [][]string) {
	t := doc.AddTable()
	t.Style("TableGrid")
	hr := t.AddRow()
	for _, h := range header {
		hr.AddCell().AddEmptyPara().AddText(h).Bold(true)
	}
	for _, row := range rows {
		r := t.AddRow()
		for i := range header {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			r.AddCell().AddParagraph(oneLine(cell))
		}
	}
	// A paragraph after the table keeps the next heading from sticking to it.
	doc.AddEmptyParagraph()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
