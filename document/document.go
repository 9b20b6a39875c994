// Package document is the model of the documents sovmap drafts for people
// who act on its findings (a transfer impact assessment, a draft embassy
// agreement), and their renderers: Markdown, HTML and DOCX (Word).
//
// A document is a title, a notice that it is a draft for counsel, a few
// fields (who, when), numbered sections of paragraphs, lists, tables and
// notes, and a table of the sources its statements cite. Builders (package
// tia, embassy's drafts) fill it from sovmap's facts; the renderers know
// nothing of those facts, so every document is written the same way in
// every format.
package document

import "strconv"

// Disclaimer is the notice every document carries first: what sovmap
// drafts is a starting point for counsel, never legal advice.
const Disclaimer = "Draft for counsel, not legal advice. sovmap wrote this draft from the inventory and its knowledge base; facts it does not record are left as questions. Counsel must check every statement, its sources and its currency before relying on it."

// Document is one drafted document.
type Document struct {
	Title    string
	Subtitle string
	// Notice is shown before everything else; builders set Disclaimer.
	Notice string
	// Fields are short facts about the document (organization, date).
	Fields   []Field
	Sections []Section
	// Sources are the documents the statements cite, listed at the end;
	// Paragraph.Sources refers to them by their position, from 1.
	Sources []Source
}

// Field is one line of the document's header: a name and its value.
type Field struct {
	Name  string
	Value string
}

// Section is a numbered heading with its content and subsections.
type Section struct {
	// Number is shown before the title: "1", "2.3", "Article 4".
	Number string
	Title  string
	Blocks []Block
	// Sections are nested one heading level below.
	Sections []Section
}

// Kind says what a block is.
type Kind int

// The kinds of block.
const (
	// KindParagraph is a paragraph of text, labelled with its basis.
	KindParagraph Kind = iota
	// KindList is a bulleted or numbered list of paragraphs.
	KindList
	// KindTable is a table with a header row.
	KindTable
	// KindNote is an explanatory note set apart from the text (the models
	// an article follows, for instance).
	KindNote
)

// Block is one piece of a section's content.
type Block struct {
	Kind Kind
	// Para is the paragraph of a KindParagraph or KindNote block.
	Para Paragraph
	// Items and Numbered make a KindList block.
	Items    []Paragraph
	Numbered bool
	// Header and Rows make a KindTable block.
	Header []string
	Rows   [][]string
}

// Paragraph is a statement, with what it rests on.
type Paragraph struct {
	Text string
	// Label is shown before the text in brackets: the statement's basis
	// (law, guidance, policy, default), "fact" for what the inventory
	// records, or "question" for a fact to establish. Empty shows none.
	Label string
	// Sources are positions in Document.Sources, from 1.
	Sources []int
}

// Source is a document a statement cites.
type Source struct {
	Title string
	// Where is a URL, an article or the knowledge-base entry it was read
	// from; may be empty.
	Where string
}

// P returns a paragraph block.
func P(label, text string, sources ...int) Block {
	return Block{Kind: KindParagraph, Para: Paragraph{Label: label, Text: text, Sources: sources}}
}

// Note returns a note block.
func Note(text string, sources ...int) Block {
	return Block{Kind: KindNote, Para: Paragraph{Text: text, Sources: sources}}
}

// List returns a bulleted (or numbered) list block.
func List(numbered bool, items ...Paragraph) Block {
	return Block{Kind: KindList, Items: items, Numbered: numbered}
}

// Table returns a table block.
func Table(header []string, rows [][]string) Block {
	return Block{Kind: KindTable, Header: header, Rows: rows}
}

// Cite returns the position (from 1) of the source with this title and
// place, adding it when the document does not cite it yet, so that each
// source is listed once.
func (d *Document) Cite(title, where string) int {
	for i, s := range d.Sources {
		if s.Title == title && s.Where == where {
			return i + 1
		}
	}
	d.Sources = append(d.Sources, Source{Title: title, Where: where})
	return len(d.Sources)
}

// heading returns a section's heading text: its number and title.
func (s *Section) heading() string {
	if s.Number == "" {
		return s.Title
	}
	return s.Number + ". " + s.Title
}

// refs writes source positions as "[1, 3]"; empty for none.
func refs(sources []int) string {
	if len(sources) == 0 {
		return ""
	}
	out := "["
	for i, n := range sources {
		if i > 0 {
			out += ", "
		}
		out += strconv.Itoa(n)
	}
	return out + "]"
}

// sourcesTable returns the rows of the table of sources.
func (d *Document) sourcesTable() [][]string {
	rows := make([][]string, len(d.Sources))
	for i, s := range d.Sources {
		rows[i] = []string{strconv.Itoa(i + 1), s.Title, s.Where}
	}
	return rows
}

// sourcesHeader is the header of the table of sources.
var sourcesHeader = []string{"#", "Source", "Where"}

// SourcesTitle is the heading of the table of sources in every format.
const SourcesTitle = "Sources"
