package server

import (
	"io"
	"net/http"
	"time"
)

// Slow clients hold connections, and each connection holds memory and a
// goroutine. Serve caps the connections (maxConns) and the time to send the
// headers (ReadHeaderTimeout); minRate caps the time to send a body: after
// Config.BodyGrace, a client must keep an average of Config.MinBodyRate
// bytes a second, or it is disconnected. (ReadTimeout alone would let a
// client trickle one byte a second for five minutes.)

// maxConns caps the connections Serve keeps open at once; the next client
// waits in the listen queue.
const maxConns = 512

// readTimeout caps reading a whole request, headers and body.
const readTimeout = 5 * time.Minute

// minRate wraps request bodies in a reader that moves the connection's
// read deadline with the bytes received.
func (s *Server) minRate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &minRateBody{ReadCloser: r.Body, rc: http.NewResponseController(w), start: time.Now(),
				grace: s.cfg.BodyGrace, rate: float64(s.cfg.MinBodyRate)}
		}
		next.ServeHTTP(w, r)
	})
}

type minRateBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	grace time.Duration
	rate  float64 // bytes per second
	n     int64
}

func (b *minRateBody) Read(p []byte) (int, error) {
	earned := time.Duration(float64(b.n) / b.rate * float64(time.Second))
	deadline := b.start.Add(min(b.grace+earned, readTimeout))
	// A connection without deadlines (a test recorder) is simply not guarded.
	// The deadline is set before each read, never after the last: when the
	// body ends, net/http clears it for its background read, so that a
	// handler working on after the body keeps its context.
	_ = b.rc.SetReadDeadline(deadline)
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}
