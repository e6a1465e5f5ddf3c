package usos

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/dghubble/oauth1"
)

// Hot paths of every timetable request: decoding and normalizing a week of
// activities, and signing a call.

func BenchmarkDecodeWeek(b *testing.B) {
	body, err := os.ReadFile("testdata/tt_user.json")
	if err != nil {
		b.Fatal(err)
	}
	langs := []string{"pl", "en"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var acts []activity
		if err := json.Unmarshal(body, &acts); err != nil {
			b.Fatal(err)
		}
		for _, a := range acts {
			if _, err := normalize(a, langs, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkSignRequest(b *testing.B) {
	cfg := oauth1.NewConfig("consumer-key", "consumer-secret")
	client := cfg.Client(b.Context(), oauth1.NewToken("access-token", "token-secret"))
	signer := client.Transport.(*oauth1.Transport)
	// Sign only: a transport that answers at once.
	signer.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("GET", "https://usosapps.example.edu/services/tt/user?start=2026-11-23&days=7&fields=start_time%7Cend_time%7Cname", nil)
		resp, err := signer.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
