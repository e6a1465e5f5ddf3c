package mytimetable

import (
	"encoding/json"
	"os"
	"testing"
)

func BenchmarkDecodeEvents(b *testing.B) {
	body, err := os.ReadFile("testdata/timetable_v05.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var evs []event
		if err := json.Unmarshal(body, &evs); err != nil {
			b.Fatal(err)
		}
		for _, e := range evs {
			if _, err := e.normalize(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
