package pushtest

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The example of RFC 8291 section 5, with the inputs and intermediate
// values of its appendix A.
const (
	rfcPlaintext = "When I grow up, I want to be a watermelon"
	rfcUAPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
	rfcUAPublic  = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
	rfcAuth      = "BTBZMqHH6r4Tts7J_aSIgg"
	rfcASPublic  = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
	rfcSalt      = "DGv6ra1nlYgDCS1FRnbzlw"
	rfcCEK       = "oIhVW04MRdy2XN9CiKLxTg"
	rfcBody      = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml" +
		"mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT" +
		"pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
)

func rfcKey(t *testing.T) *ecdh.PrivateKey {
	t.Helper()
	ua, err := ecdh.P256().NewPrivateKey(b64(t, rfcUAPrivate))
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(ua.PublicKey().Bytes()); got != rfcUAPublic {
		t.Fatalf("ua_public of the RFC's ua_private = %s, want %s", got, rfcUAPublic)
	}
	return ua
}

func TestDecryptRFC8291Example(t *testing.T) {
	got, err := Decrypt(b64(t, rfcBody), rfcKey(t), b64(t, rfcAuth))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != rfcPlaintext {
		t.Fatalf("Decrypt = %q, want %q", got, rfcPlaintext)
	}
}

func TestDeriveKeysRFC8291AppendixA(t *testing.T) {
	as, err := ecdh.P256().NewPublicKey(b64(t, rfcASPublic))
	if err != nil {
		t.Fatal(err)
	}
	cek, _, err := deriveKeys(rfcKey(t), as, b64(t, rfcAuth), b64(t, rfcSalt))
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(cek); got != rfcCEK {
		t.Errorf("CEK = %s, want %s", got, rfcCEK)
	}
}

func TestDecryptRefuses(t *testing.T) {
	body := b64(t, rfcBody)
	other, _ := ecdh.P256().GenerateKey(rand.Reader)
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), body...)) }
	for name, tc := range map[string]struct {
		body []byte
		ua   *ecdh.PrivateKey
		auth []byte
	}{
		"another device's key":  {body, other, b64(t, rfcAuth)},
		"another auth secret":   {body, rfcKey(t), make([]byte, 16)},
		"a flipped bit":         {mutate(func(b []byte) []byte { b[len(b)-20] ^= 1; return b }), rfcKey(t), b64(t, rfcAuth)},
		"truncated":             {body[:len(body)-1], rfcKey(t), b64(t, rfcAuth)},
		"two records (rs = 18)": {mutate(func(b []byte) []byte { b[18], b[19] = 0, 18; return b }), rfcKey(t), b64(t, rfcAuth)},
		"a short keyid":         {mutate(func(b []byte) []byte { b[20] = 64; return b }), rfcKey(t), b64(t, rfcAuth)},
	} {
		if got, err := Decrypt(tc.body, tc.ua, tc.auth); err == nil {
			t.Errorf("%s: Decrypt = %q, want an error", name, got)
		}
	}
}

func TestVerifyVAPID(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	key, _ := ecdsa.GenerateKey(ecdhCurve(), rand.Reader)
	pub, _ := key.PublicKey.Bytes()
	otherKey, _ := ecdsa.GenerateKey(ecdhCurve(), rand.Reader)
	const origin = "https://push.example:8443"
	sign := func(k *ecdsa.PrivateKey, header, claims string) string {
		h := base64.RawURLEncoding.EncodeToString([]byte(header))
		c := base64.RawURLEncoding.EncodeToString([]byte(claims))
		d := sha256.Sum256([]byte(h + "." + c))
		r, s, err := ecdsa.Sign(rand.Reader, k, d[:])
		if err != nil {
			t.Fatal(err)
		}
		sig := make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return h + "." + c + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	claims := func(aud string, exp time.Time, sub string) string {
		b, _ := json.Marshal(map[string]any{"aud": aud, "exp": exp.Unix(), "sub": sub})
		return string(b)
	}
	const hdr = `{"typ":"JWT","alg":"ES256"}`
	k := base64.RawURLEncoding.EncodeToString(pub)
	good := sign(key, hdr, claims(origin, now.Add(12*time.Hour), "mailto:ops@example.edu"))
	for _, tc := range []struct {
		name, header string
		ok           bool
	}{
		{"valid", "vapid t=" + good + ", k=" + k, true},
		{"https contact", "vapid t=" + sign(key, hdr, claims(origin, now.Add(time.Hour), "https://example.edu/contact")) + ", k=" + k, true},
		{"another scheme", "WebPush " + good, false},
		{"another key in k", "vapid t=" + good + ", k=" + base64.RawURLEncoding.EncodeToString(mustBytes(otherKey)), false},
		{"signed by another key", "vapid t=" + sign(otherKey, hdr, claims(origin, now.Add(time.Hour), "mailto:ops@example.edu")) + ", k=" + k, false},
		{"another audience", "vapid t=" + sign(key, hdr, claims("https://push.example", now.Add(time.Hour), "mailto:ops@example.edu")) + ", k=" + k, false},
		{"expired", "vapid t=" + sign(key, hdr, claims(origin, now.Add(-time.Second), "mailto:ops@example.edu")) + ", k=" + k, false},
		{"expiring after 24 hours", "vapid t=" + sign(key, hdr, claims(origin, now.Add(25*time.Hour), "mailto:ops@example.edu")) + ", k=" + k, false},
		{"no contact", "vapid t=" + sign(key, hdr, claims(origin, now.Add(time.Hour), "")) + ", k=" + k, false},
		{"mailto twice", "vapid t=" + sign(key, hdr, claims(origin, now.Add(time.Hour), "mailto:mailto:ops@example.edu")) + ", k=" + k, false},
		{"alg none", "vapid t=" + sign(key, `{"alg":"none"}`, claims(origin, now.Add(time.Hour), "mailto:ops@example.edu")) + ", k=" + k, false},
		{"tampered claims", "vapid t=" + strings.Replace(good, ".", ".e30", 1) + ", k=" + k, false},
	} {
		sub, err := VerifyVAPID(tc.header, origin, pub, now)
		if (err == nil) != tc.ok {
			t.Errorf("%s: VerifyVAPID = %q, %v; want ok %v", tc.name, sub, err, tc.ok)
		}
		if tc.name == "another key in k" && !errors.Is(err, ErrWrongKey) {
			t.Errorf("%s: %v, want ErrWrongKey", tc.name, err)
		}
	}
}

func ecdhCurve() elliptic.Curve { return elliptic.P256() }

func mustBytes(k *ecdsa.PrivateKey) []byte {
	b, err := k.PublicKey.Bytes()
	if err != nil {
		panic(err)
	}
	return b
}
