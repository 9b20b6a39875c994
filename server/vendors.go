package server

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/sovmap/sovmap/report/svg"
	"github.com/sovmap/sovmap/risk"
)

// vendorsPageSize is how many providers one page of the register shows,
// riskiest first: past a few hundred providers one page would be too long
// to read or load.
const vendorsPageSize = 50

// pager is the position of one page in a long list, for the pages that
// split their tables (?offset=N).
type pager struct {
	Total, From, To int
	Page, Pages     int
	// PageLimit is the page size; Prev and Next link the neighbours.
	PageLimit  int
	Prev, Next string
}

// newPager places offset in a list of total rows, size to a page; base is
// the page's address up to its query ("stack?v=2&").
func newPager(total, offset, size int, base string) pager {
	p := pager{Total: total, PageLimit: size, Page: offset/size + 1, Pages: max(1, (total+size-1)/size)}
	if offset < total {
		p.From, p.To = offset+1, min(offset+size, total)
	}
	if offset > 0 {
		p.Prev = base + "offset=" + strconv.Itoa(max(0, offset-size))
	}
	if offset+size < total {
		p.Next = base + "offset=" + strconv.Itoa(offset+size)
	}
	return p
}

// offsetParam reads ?offset=, 0 when absent.
func offsetParam(r *http.Request) (int, error) {
	o := r.URL.Query().Get("offset")
	if o == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(o)
	if err != nil || n < 0 {
		return 0, &badInput{fmt.Errorf("offset %q: want a number from 0", o)}
	}
	return n, nil
}

func (s *Server) handleVendors(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Vendors", "vendors")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	offset, err := offsetParam(r)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	reg, rep, err := s.register(r.Context(), ver)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	pg := newPager(len(reg.Providers), offset, vendorsPageSize, "vendors?"+string(vp.VersionQuery))
	v.Data = struct {
		versionPage
		pager
		Register      *risk.Register
		Providers     []risk.Vendor
		Concentration template.HTML
	}{vp, pg, reg, reg.Providers[max(0, pg.From-1):pg.To], template.HTML(svg.Concentration(rep.Providers, rep.Summary.HHIProvider))}
	s.render(w, r, http.StatusOK, "vendors", v)
}
