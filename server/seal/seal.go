// Package seal turns small Go values into opaque, tamper-proof, expiring
// strings suitable for cookies and URLs, and back.
//
// A sealed value is XChaCha20-Poly1305 ciphertext of a JSON payload with its
// expiry. The purpose (e.g. the cookie name) is bound as additional data, so
// a value sealed for one purpose cannot be replayed as another. Several keys
// may be configured: the first seals, all of them open, which lets operators
// rotate keys without signing everyone out.
package seal

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the length of a sealing key in bytes.
const KeySize = chacha20poly1305.KeySize

// MaxSealedLen bounds what Open accepts, well above any cookie the backend
// writes, so that hostile input cannot make it do unbounded work.
const MaxSealedLen = 8 << 10

var (
	// ErrInvalid means the value was not sealed by any configured key for
	// this purpose, or was altered.
	ErrInvalid = errors.New("seal: invalid or tampered value")
	// ErrExpired means the value was authentic but its expiry has passed.
	ErrExpired = errors.New("seal: value expired")
)

// Sealer seals and opens values. It is safe for concurrent use.
type Sealer struct {
	aeads []cipher.AEAD
	// Now is the clock used for expiry checks; nil means time.Now.
	Now func() time.Time
}

// New returns a Sealer. keys[0] seals; every key opens.
func New(keys ...[]byte) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: at least one key is required")
	}
	s := &Sealer{}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("seal: key %d is %d bytes, want %d", i, len(k), KeySize)
		}
		a, err := chacha20poly1305.NewX(k)
		if err != nil {
			return nil, fmt.Errorf("seal: key %d: %w", i, err)
		}
		s.aeads = append(s.aeads, a)
	}
	return s, nil
}

func (s *Sealer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Seal encodes v as JSON and seals it for purpose until expiry.
func (s *Sealer) Seal(purpose string, v any, expiry time.Time) (string, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("seal: encode %s: %w", purpose, err)
	}
	// Plaintext: 8-byte big-endian expiry (Unix seconds) then the JSON.
	plain := make([]byte, 8, 8+len(body))
	binary.BigEndian.PutUint64(plain, uint64(expiry.Unix()))
	plain = append(plain, body...)

	a := s.aeads[0]
	out := make([]byte, a.NonceSize(), a.NonceSize()+len(plain)+a.Overhead())
	if _, err := rand.Read(out); err != nil {
		return "", fmt.Errorf("seal: nonce: %w", err)
	}
	out = a.Seal(out, out, plain, []byte(purpose))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// Open authenticates sealed for purpose, checks its expiry and decodes it
// into v. It returns ErrInvalid or ErrExpired (possibly wrapped).
func (s *Sealer) Open(purpose, sealed string, v any) error {
	_, err := s.OpenExpiry(purpose, sealed, v)
	return err
}

// OpenExpiry is Open that also returns the sealed expiry.
func (s *Sealer) OpenExpiry(purpose, sealed string, v any) (time.Time, error) {
	return s.open(purpose, sealed, v, true)
}

// OpenPastExpiry opens an authentic value even after its expiry, for
// clean-up only: ending at the university an access that an expired value
// still carries. Never use it to grant anything.
func (s *Sealer) OpenPastExpiry(purpose, sealed string, v any) (time.Time, error) {
	return s.open(purpose, sealed, v, false)
}

func (s *Sealer) open(purpose, sealed string, v any, checkExpiry bool) (time.Time, error) {
	// One sealed value has exactly one spelling, so that it cannot be
	// varied to look like another: the decoding is strict (the last
	// character's unused bits must be zero), and line breaks, which
	// encoding/base64 skips, are refused.
	if len(sealed) > MaxSealedLen || strings.ContainsAny(sealed, "\r\n") {
		return time.Time{}, ErrInvalid
	}
	raw, err := strictEncoding.DecodeString(sealed)
	if err != nil {
		return time.Time{}, ErrInvalid
	}
	for _, a := range s.aeads {
		ns := a.NonceSize()
		if len(raw) < ns+a.Overhead()+8 {
			return time.Time{}, ErrInvalid
		}
		plain, err := a.Open(nil, raw[:ns], raw[ns:], []byte(purpose))
		if err != nil {
			continue // try the next key: rotation
		}
		expiry := time.Unix(int64(binary.BigEndian.Uint64(plain[:8])), 0)
		if checkExpiry && !s.now().Before(expiry) {
			return expiry, ErrExpired
		}
		if err := json.Unmarshal(plain[8:], v); err != nil {
			// Authentic but undecodable: sealed by an incompatible version.
			return expiry, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		return expiry, nil
	}
	return time.Time{}, ErrInvalid
}

var strictEncoding = base64.RawURLEncoding.Strict()
