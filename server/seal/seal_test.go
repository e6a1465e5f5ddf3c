package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

type payload struct {
	Token string `json:"t"`
	N     int    `json:"n"`
}

func key(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustNew(t *testing.T, keys ...[]byte) *Sealer {
	t.Helper()
	s, err := New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	s := mustNew(t, key(1))
	in := payload{Token: "abc", N: 7}
	sealed, err := s.Seal("session", in, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "abc") {
		t.Fatal("sealed value leaks plaintext")
	}
	var out payload
	if err := s.Open("session", sealed, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("got %+v, want %+v", out, in)
	}
	other, _ := s.Seal("session", in, time.Now().Add(time.Hour))
	if other == sealed {
		t.Fatal("two seals of the same value are identical: nonce reuse")
	}
}

func TestRejects(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s := mustNew(t, key(1))
	s.Now = func() time.Time { return now }
	good, err := s.Seal("session", payload{Token: "x"}, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)-1] ^= 1
	expired, _ := s.Seal("session", payload{}, now.Add(-time.Second))
	atNow, _ := s.Seal("session", payload{}, now)
	// The same bytes spelled otherwise: the last character's unused low
	// bit set (a length not a multiple of 3 leaves such bits).
	var respelled string
	for token := ""; respelled == ""; token += "x" {
		v, _ := s.Seal("session", payload{Token: token}, now.Add(time.Minute))
		if r, _ := base64.RawURLEncoding.DecodeString(v); len(r)%3 != 0 {
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			last := strings.IndexByte(alphabet, v[len(v)-1])
			respelled = v[:len(v)-1] + string(alphabet[last^1])
			if r2, err := base64.RawURLEncoding.DecodeString(respelled); err != nil || !bytes.Equal(r, r2) {
				t.Fatalf("respelling changed the bytes: %v", err)
			}
		}
	}

	cases := []struct {
		name, purpose, value string
		sealer               *Sealer
		want                 error
	}{
		{"tampered", "session", base64.RawURLEncoding.EncodeToString(flipped), s, ErrInvalid},
		{"wrong purpose", "flow", good, s, ErrInvalid},
		{"wrong key", "session", good, mustNew(t, key(2)), ErrInvalid},
		{"not base64", "session", "!!!", s, ErrInvalid},
		{"empty", "session", "", s, ErrInvalid},
		{"short", "session", "AAAA", s, ErrInvalid},
		{"huge", "session", strings.Repeat("A", MaxSealedLen+1), s, ErrInvalid},
		{"expired", "session", expired, s, ErrExpired},
		{"expires exactly now", "session", atNow, s, ErrExpired},
		{"respelled", "session", respelled, s, ErrInvalid},
		{"newline inside", "session", good[:10] + "\n" + good[10:], s, ErrInvalid},
		{"carriage return inside", "session", good[:1] + "\r" + good[1:], s, ErrInvalid},
		{"CRLF at the end", "session", good + "\r\n", s, ErrInvalid},
		{"newline first", "session", "\n" + good, s, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out payload
			if err := c.sealer.Open(c.purpose, c.value, &out); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// OpenPastExpiry opens expired values (for clean-up), and nothing else
// that Open refuses.
func TestOpenPastExpiry(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s := mustNew(t, key(1))
	s.Now = func() time.Time { return now }
	expired, _ := s.Seal("feed", payload{Token: "old"}, now.Add(-time.Hour))
	var out payload
	if exp, err := s.OpenPastExpiry("feed", expired, &out); err != nil || out.Token != "old" || !exp.Equal(now.Add(-time.Hour)) {
		t.Fatalf("OpenPastExpiry = %v, %v, %+v", exp, err, out)
	}
	if _, err := s.OpenPastExpiry("session", expired, &out); !errors.Is(err, ErrInvalid) {
		t.Errorf("wrong purpose: %v", err)
	}
	if _, err := mustNew(t, key(2)).OpenPastExpiry("feed", expired, &out); !errors.Is(err, ErrInvalid) {
		t.Errorf("wrong key: %v", err)
	}
}

func TestRotation(t *testing.T) {
	old := mustNew(t, key(1))
	sealedOld, _ := old.Seal("session", payload{N: 1}, time.Now().Add(time.Hour))

	rotated := mustNew(t, key(2), key(1)) // new key first, old still opens
	var out payload
	if err := rotated.Open("session", sealedOld, &out); err != nil || out.N != 1 {
		t.Fatalf("rotated sealer cannot open old value: %v", err)
	}
	sealedNew, _ := rotated.Seal("session", payload{N: 2}, time.Now().Add(time.Hour))
	if err := old.Open("session", sealedNew, &out); !errors.Is(err, ErrInvalid) {
		t.Fatalf("new values must be sealed with the new key; old key opened it: %v", err)
	}
	if err := mustNew(t, key(2)).Open("session", sealedNew, &out); err != nil || out.N != 2 {
		t.Fatalf("new key cannot open new value: %v", err)
	}
}

func TestNewValidatesKeys(t *testing.T) {
	if _, err := New(); err == nil {
		t.Fatal("no keys accepted")
	}
	if _, err := New(make([]byte, 16)); err == nil {
		t.Fatal("short key accepted")
	}
}

func FuzzOpen(f *testing.F) {
	s, _ := New(key(1))
	good, _ := s.Seal("session", payload{Token: "t"}, time.Now().Add(time.Hour))
	f.Add(good)
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, v string) {
		var out payload
		// Only the genuine ciphertext may open (a different spelling of the
		// same bytes is fine); anything else must fail without panicking.
		if err := s.Open("session", v, &out); err == nil && out.Token != "t" {
			t.Fatalf("forged value opened: %q -> %+v", v, out)
		}
	})
}

// A session cookie is opened on every API request.
func BenchmarkSealOpen(b *testing.B) {
	s, err := New(bytes.Repeat([]byte{3}, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	type session struct {
		Provider, Token, Secret, User string
	}
	v := session{"uw", "access-token-0123456789abcdef", "token-secret-0123456789abcdef", "Anna Kowalska"}
	exp := time.Now().Add(time.Hour)
	b.Run("seal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Seal("session", v, exp); err != nil {
				b.Fatal(err)
			}
		}
	})
	sealed, _ := s.Seal("session", v, exp)
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out session
			if err := s.Open("session", sealed, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
