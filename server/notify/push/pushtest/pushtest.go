// Package pushtest is a stand-in push service for tests: it accepts Web
// Push requests (RFC 8030) only with a valid VAPID token for the key the
// subscription was made for (RFC 8292), and decrypts each payload with
// the subscription's private keys (RFC 8291, RFC 8188), so that tests
// read exactly what a browser would.
package pushtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/hkdf"
)

// Message is a push message as the device received it.
type Message struct {
	// Payload is the decrypted payload.
	Payload []byte
	// TTL, Topic and Urgency are the request's headers.
	TTL     int
	Topic   string
	Urgency string
	// Subject is the VAPID token's "sub" claim.
	Subject string
}

// Service is a stand-in push service over TLS on a loopback port.
type Service struct {
	srv *httptest.Server
	// applicationServerKey is the VAPID public key subscriptions are
	// made for, as the PWA passes it to PushManager.subscribe().
	applicationServerKey []byte
	// Now is the clock for the token's expiry; nil means time.Now.
	Now func() time.Time

	mu       sync.Mutex
	devices  map[string]*Device
	rejected []error
}

// New starts a push service for subscriptions made with the VAPID public
// key applicationServerKey (base64url), and stops it when tb ends.
func New(tb testing.TB, applicationServerKey string) *Service {
	tb.Helper()
	key, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(applicationServerKey, "="))
	if err != nil {
		tb.Fatalf("pushtest: application server key: %v", err)
	}
	s := &Service{applicationServerKey: key, devices: map[string]*Device{}}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.srv.Close)
	return s
}

// Client returns an HTTP client that trusts the service's certificate.
func (s *Service) Client() *http.Client { return s.srv.Client() }

// URL returns the service's origin.
func (s *Service) URL() string { return s.srv.URL }

// Rejected returns why requests were refused, in order.
func (s *Service) Rejected() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.rejected...)
}

// Device is one browser's push subscription at the service.
type Device struct {
	token string
	svc   *Service
	priv  *ecdh.PrivateKey
	auth  []byte

	// Guarded by svc.mu.
	messages []Message
	gone     bool
	answers  []int
}

// Subscribe makes a new subscription, as PushManager.subscribe() does.
func (s *Service) Subscribe() *Device {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	d := &Device{token: rand.Text(), svc: s, priv: priv, auth: make([]byte, 16)}
	rand.Read(d.auth)
	s.mu.Lock()
	s.devices[d.token] = d
	s.mu.Unlock()
	return d
}

// Endpoint returns the subscription's endpoint.
func (d *Device) Endpoint() string { return d.svc.srv.URL + "/push/" + d.token }

// P256DH returns the subscription's public key, base64url.
func (d *Device) P256DH() string {
	return base64.RawURLEncoding.EncodeToString(d.priv.PublicKey().Bytes())
}

// Auth returns the subscription's authentication secret, base64url.
func (d *Device) Auth() string { return base64.RawURLEncoding.EncodeToString(d.auth) }

// Messages returns the messages received so far.
func (d *Device) Messages() []Message {
	d.svc.mu.Lock()
	defer d.svc.mu.Unlock()
	return append([]Message(nil), d.messages...)
}

// Unsubscribe ends the subscription: the endpoint answers 410 Gone.
func (d *Device) Unsubscribe() {
	d.svc.mu.Lock()
	d.gone = true
	d.svc.mu.Unlock()
}

// AnswerNext makes the next requests to the endpoint fail with these
// status codes, one each, before anything is checked.
func (d *Device) AnswerNext(codes ...int) {
	d.svc.mu.Lock()
	d.answers = append(d.answers, codes...)
	d.svc.mu.Unlock()
}

func (s *Service) reject(w http.ResponseWriter, code int, err error) {
	s.mu.Lock()
	s.rejected = append(s.rejected, err)
	s.mu.Unlock()
	http.Error(w, err.Error(), code)
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.URL.Path, "/push/")
	if !ok || r.Method != http.MethodPost {
		s.reject(w, http.StatusNotFound, fmt.Errorf("%s %s: not a push endpoint", r.Method, r.URL.Path))
		return
	}
	s.mu.Lock()
	d := s.devices[token]
	code := 0
	if d != nil && len(d.answers) > 0 {
		code, d.answers = d.answers[0], d.answers[1:]
	}
	s.mu.Unlock()
	switch {
	case d == nil:
		http.Error(w, "no such subscription", http.StatusNotFound)
		return
	case code != 0:
		http.Error(w, "as the test asked", code)
		return
	}
	s.mu.Lock()
	gone := d.gone
	s.mu.Unlock()
	if gone {
		http.Error(w, "subscription expired", http.StatusGone)
		return
	}

	// RFC 8030 section 5.2: TTL is required.
	ttl, err := strconv.Atoi(r.Header.Get("TTL"))
	if err != nil || ttl < 0 {
		s.reject(w, http.StatusBadRequest, fmt.Errorf("TTL header %q", r.Header.Get("TTL")))
		return
	}
	sub, err := VerifyVAPID(r.Header.Get("Authorization"), "https://"+r.Host, s.applicationServerKey, s.now())
	if err != nil {
		code := http.StatusUnauthorized
		if errors.Is(err, ErrWrongKey) {
			code = http.StatusForbidden // RFC 8292 section 4.2
		}
		s.reject(w, code, err)
		return
	}
	if ce := r.Header.Values("Content-Encoding"); len(ce) != 1 || ce[0] != "aes128gcm" {
		s.reject(w, http.StatusUnsupportedMediaType, fmt.Errorf("Content-Encoding %q, want aes128gcm only (RFC 8291 section 4)", ce))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4097))
	if err != nil {
		s.reject(w, http.StatusBadRequest, err)
		return
	}
	if len(body) > 4096 {
		s.reject(w, http.StatusRequestEntityTooLarge, errors.New("payload larger than 4096 octets (RFC 8030 section 7.2)"))
		return
	}
	plain, err := Decrypt(body, d.priv, d.auth)
	if err != nil {
		s.reject(w, http.StatusBadRequest, err)
		return
	}
	s.mu.Lock()
	d.messages = append(d.messages, Message{
		Payload: plain, TTL: ttl, Topic: r.Header.Get("Topic"), Urgency: r.Header.Get("Urgency"), Subject: sub,
	})
	s.mu.Unlock()
	w.Header().Set("Location", s.srv.URL+"/message/"+rand.Text())
	w.WriteHeader(http.StatusCreated)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ErrWrongKey means a VAPID token was signed with another key than the
// one the subscription was made for.
var ErrWrongKey = errors.New("pushtest: VAPID key is not the subscription's application server key")

// VerifyVAPID checks an Authorization header of the "vapid" scheme (RFC
// 8292 section 3): the key k is key (the subscription's application
// server key), and the token t is a JWT signed with it by ES256 whose
// "aud" is origin, "exp" in the next 24 hours after now, and "sub" a
// mailto: or https: URI. It returns "sub".
func VerifyVAPID(header, origin string, key []byte, now time.Time) (string, error) {
	params, ok := strings.CutPrefix(header, "vapid ")
	if !ok {
		return "", fmt.Errorf("pushtest: Authorization %q is not of the vapid scheme", header)
	}
	var t, k string
	for p := range strings.SplitSeq(params, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch name {
		case "t":
			t = value
		case "k":
			k = value
		}
	}
	kb, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil || string(kb) != string(key) {
		return "", fmt.Errorf("%w: k=%q", ErrWrongKey, k)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), kb)
	if err != nil {
		return "", fmt.Errorf("pushtest: k is not a P-256 public key: %w", err)
	}

	parts := strings.Split(t, ".")
	if len(parts) != 3 {
		return "", errors.New("pushtest: t is not a JWT")
	}
	var hdr struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if err := decodeJSON(parts[0], &hdr); err != nil || hdr.Alg != "ES256" || (hdr.Typ != "" && hdr.Typ != "JWT") {
		return "", fmt.Errorf("pushtest: JWT header %+v (%v), want alg ES256", hdr, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return "", errors.New("pushtest: the JWT signature is not 64 octets of base64url (RFC 7518 section 3.4)")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		return "", errors.New("pushtest: the JWT signature does not verify with k")
	}
	var claims struct {
		Aud string      `json:"aud"`
		Exp json.Number `json:"exp"`
		Sub string      `json:"sub"`
	}
	if err := decodeJSON(parts[1], &claims); err != nil {
		return "", fmt.Errorf("pushtest: JWT claims: %w", err)
	}
	if claims.Aud != origin {
		return "", fmt.Errorf("pushtest: aud %q, want the push service's origin %q", claims.Aud, origin)
	}
	exp, err := claims.Exp.Int64()
	if err != nil {
		return "", fmt.Errorf("pushtest: exp %q is not a number", claims.Exp)
	}
	if e := time.Unix(exp, 0); !e.After(now) || e.After(now.Add(24*time.Hour)) {
		return "", fmt.Errorf("pushtest: exp %v is not within 24 hours after %v (RFC 8292 section 2)", e, now)
	}
	u, err := url.Parse(claims.Sub)
	switch {
	case err != nil:
		return "", fmt.Errorf("pushtest: sub %q is not a URI", claims.Sub)
	case u.Scheme == "mailto" && strings.Contains(u.Opaque, "@") && !strings.Contains(u.Opaque, ":"):
	case u.Scheme == "https" && u.Host != "":
	default:
		return "", fmt.Errorf("pushtest: sub %q is not a mailto: or https: contact (RFC 8292 section 2.1)", claims.Sub)
	}
	return claims.Sub, nil
}

func decodeJSON(part string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	return dec.Decode(v)
}

// Decrypt decrypts a push message body as a user agent does: the
// "aes128gcm" content coding (RFC 8188 section 2) with the key derived
// from the subscription's private key ua and authentication secret auth
// (RFC 8291 section 3.4), in a single record (RFC 8291 section 4).
func Decrypt(body []byte, ua *ecdh.PrivateKey, auth []byte) ([]byte, error) {
	// Header: salt (16) | rs (4) | idlen (1) | keyid (idlen).
	const header = 16 + 4 + 1 + 65
	if len(body) < header+16 {
		return nil, errors.New("pushtest: body shorter than the aes128gcm header and one tag")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), body[20]
	if idlen != 65 {
		// RFC 8291 section 4: keyid is the sender's uncompressed point.
		return nil, fmt.Errorf("pushtest: keyid of %d octets, want 65", idlen)
	}
	ciphertext := body[header:]
	if rs < 18 || uint64(len(ciphertext)) > uint64(rs) {
		return nil, fmt.Errorf("pushtest: %d octets of ciphertext with rs %d: not a single record", len(ciphertext), rs)
	}
	as, err := ecdh.P256().NewPublicKey(body[21:header])
	if err != nil {
		return nil, fmt.Errorf("pushtest: keyid is not a P-256 public key: %w", err)
	}
	cek, nonce, err := deriveKeys(ua, as, auth, salt)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	// The first record's nonce is NONCE XOR 0 (RFC 8188 section 2.3).
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("pushtest: decrypting: %w", err)
	}
	// RFC 8188 section 2: data, a delimiter octet, then zero octets of
	// padding; the last record's delimiter is 2, and RFC 8291 section 4
	// requires discarding any other.
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		return nil, errors.New("pushtest: no final padding delimiter 0x02")
	}
	return plain[:end], nil
}

// deriveKeys returns the content encryption key and nonce of a message.
func deriveKeys(ua *ecdh.PrivateKey, as *ecdh.PublicKey, auth, salt []byte) (cek, nonce []byte, err error) {
	// RFC 8291 section 3.1: the ECDH shared secret.
	ecdhSecret, err := ua.ECDH(as)
	if err != nil {
		return nil, nil, fmt.Errorf("pushtest: ECDH: %w", err)
	}
	// RFC 8291 section 3.3: IKM = HKDF(salt=auth_secret, ikm=ecdh_secret,
	// info="WebPush: info" || 0x00 || ua_public || as_public, L=32).
	info := append([]byte("WebPush: info\x00"), ua.PublicKey().Bytes()...)
	info = append(info, as.Bytes()...)
	ikm := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, ecdhSecret, auth, info), ikm); err != nil {
		return nil, nil, err
	}
	// RFC 8188 section 2.2 and 2.3: PRK = HKDF-Extract(salt, IKM), then
	// the 16-octet CEK and the 12-octet NONCE.
	prk := hkdf.Extract(sha256.New, ikm, salt)
	cek = make([]byte, 16)
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, prk, []byte("Content-Encoding: aes128gcm\x00")), cek); err != nil {
		return nil, nil, err
	}
	nonce = make([]byte, 12)
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, prk, []byte("Content-Encoding: nonce\x00")), nonce); err != nil {
		return nil, nil, err
	}
	return cek, nonce, nil
}
