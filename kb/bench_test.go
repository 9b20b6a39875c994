package kb

import "testing"

// BenchmarkDefault measures loading and checking the embedded knowledge
// base, which every sovmap command does once.
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch measures a full-text search over every entry.
func BenchmarkSearch(b *testing.B) {
	k, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if len(k.Search("frankfurt")) == 0 {
			b.Fatal("no hits")
		}
	}
}
