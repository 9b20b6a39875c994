package document

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the document as CommonMark with GitHub tables:
// headings by section depth, each statement with its label and sources.
func WriteMarkdown(w io.Writer, d *Document) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n\n", mdText(d.Title))
	if d.Subtitle != "" {
		fmt.Fprintf(bw, "_%s_\n\n", mdText(d.Subtitle))
	}
	if d.Notice != "" {
		fmt.Fprintf(bw, "> **%s**\n\n", mdText(d.Notice))
	}
	for _, f := range d.Fields {
		fmt.Fprintf(bw, "- **%s:** %s\n", mdText(f.Name), mdText(f.Value))
	}
	if len(d.Fields) > 0 {
		bw.WriteString("\n")
	}
	for i := range d.Sections {
		mdSection(bw, &d.Sections[i], 2)
	}
	if len(d.Sources) > 0 {
		fmt.Fprintf(bw, "## %s\n\n", SourcesTitle)
		mdTable(bw, sourcesHeader, d.sourcesTable())
	}
	return bw.Flush()
}

func mdSection(bw *bufio.Writer, s *Section, depth int) {
	fmt.Fprintf(bw, "%s %s\n\n", strings.Repeat("#", min(depth, 6)), mdText(s.heading()))
	for _, b := range s.Blocks {
		switch b.Kind {
		case KindParagraph:
			fmt.Fprintf(bw, "%s\n\n", mdPara(b.Para))
		case KindNote:
			fmt.Fprintf(bw, "> _Note:_ %s\n\n", mdPara(b.Para))
		case KindList:
			for i, it := range b.Items {
				marker := "-"
				if b.Numbered {
					marker = fmt.Sprintf("%d.", i+1)
				}
				fmt.Fprintf(bw, "%s %s\n", marker, mdPara(it))
			}
			bw.WriteString("\n")
		case KindTable:
			mdTable(bw, b.Header, b.Rows)
		}
	}
	for i := range s.Sections {
		mdSection(bw, &s.Sections[i], depth+1)
	}
}

func mdPara(p Paragraph) string {
	var b strings.Builder
	if p.Label != "" {
		fmt.Fprintf(&b, "**[%s]** ", mdText(p.Label))
	}
	b.WriteString(mdText(p.Text))
	if r := refs(p.Sources); r != "" {
		b.WriteString(" " + strings.NewReplacer("[", `\[`, "]", `\]`).Replace(r))
	}
	return b.String()
}

func mdTable(bw *bufio.Writer, header []string, rows [][]string) {
	cells := make([]string, len(header))
	for i, h := range header {
		cells[i] = mdCell(h)
	}
	fmt.Fprintf(bw, "| %s |\n|%s\n", strings.Join(cells, " | "), strings.Repeat(" --- |", len(header)))
	for _, row := range rows {
		cells := make([]string, len(header))
		for i := range header {
			if i < len(row) {
				cells[i] = mdCell(row[i])
			}
		}
		fmt.Fprintf(bw, "| %s |\n", strings.Join(cells, " | "))
	}
	bw.WriteString("\n")
}

// mdEscaper escapes what Markdown would read as markup inside text: the
// emphasis and code markers, brackets (links) and angle brackets (HTML).
// An underscore inside a word (operated_from, a URL's path) opens no
// emphasis in CommonMark, and escaping it would cut autolinked URLs, so
// mdText leaves those alone.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;")

// mdText escapes text for a Markdown paragraph, on one line; a leading
// character that would start a heading, list or quote is escaped too.
func mdText(s string) string {
	s = mdEscaper.Replace(strings.Join(strings.Fields(s), " "))
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && !(i > 0 && wordByte(s[i-1]) && i+1 < len(s) && wordByte(s[i+1])) {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	s = b.String()
	if s != "" && strings.ContainsRune("#-+=|", rune(s[0])) {
		s = `\` + s
	}
	return s
}

// wordByte reports whether c is an ASCII letter or digit (or a byte of a
// multi-byte character, which Markdown also counts as part of a word).
func wordByte(c byte) bool {
	return c >= 0x80 || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func mdCell(s string) string { return strings.ReplaceAll(mdText(s), "|", `\|`) }
