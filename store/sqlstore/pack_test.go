package sqlstore

import (
	"bytes"
	stdgzip "compress/gzip"
	"strings"
	"testing"
)

// TestPackReadsBothFormats holds pack and unpack together, and unpack to
// blobs as the stores wrote them before S2: gzip, here written by the
// standard library rather than the store's own code.
func TestPackReadsBothFormats(t *testing.T) {
	blobs := [][]byte{nil, {}, []byte("x"), []byte(strings.Repeat(`{"id":"c1","layer":"compute"},`, 100_000))}
	for _, data := range blobs {
		packed, err := pack(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 0 && (len(packed) == 0 || packed[0] != 0xff) {
			t.Errorf("pack(%d bytes) does not start with S2's stream identifier: % x", len(data), packed[:min(len(packed), 8)])
		}
		var old bytes.Buffer
		zw := stdgzip.NewWriter(&old)
		if _, err := zw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		for _, stored := range [][]byte{packed, old.Bytes()} {
			got, err := unpack(stored)
			if err != nil || !bytes.Equal(got, data) || got == nil {
				t.Errorf("unpack(% x...) = %d bytes, %v; want the %d bytes packed", stored[:min(len(stored), 8)], len(got), err, len(data))
			}
		}
	}
	if _, err := unpack([]byte("not a blob")); err == nil {
		t.Error("unpack of neither format succeeded")
	}
}
