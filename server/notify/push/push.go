// Package push sends Web Push messages (RFC 8030) to browsers' push
// subscriptions, encrypted for the subscription (RFC 8291) and signed
// with the server's VAPID key (RFC 8292).
package push

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// MaxPayload is the longest payload a push service must accept: 4096
// octets of body less the header, the padding delimiter and the AEAD tag
// (RFC 8291 section 4).
const MaxPayload = 3993

// Defaults of Options.
const (
	DefaultTimeout = 10 * time.Second
	DefaultTTL     = 12 * time.Hour
)

// ErrGone means the subscription will never receive again: the push
// service answered 404 or 410 (RFC 8030 section 7.3). Delete it.
var ErrGone = errors.New("push: subscription gone")

// Error is a failure to deliver a message other than ErrGone.
type Error struct {
	// StatusCode is the push service's answer; 0 if there was none.
	StatusCode int
	// Retryable says whether the same message may succeed later: the push
	// service was unreachable, overloaded or failing (408, 429, 5xx).
	// Otherwise the request itself was refused (a VAPID key the
	// subscription was not made for, a payload too large, …).
	Retryable bool
	// RetryAfter is the push service's Retry-After, if it sent one.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("push: HTTP %d: %v", e.StatusCode, e.Err)
	}
	return "push: " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether err, from Send, is worth trying again later.
func Retryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// Subscription is a browser's push subscription (PushSubscription.toJSON()).
type Subscription struct {
	Endpoint string
	// P256DH is the subscription's P-256 public key, base64url.
	P256DH string
	// Auth is its 16-octet authentication secret, base64url.
	Auth string
}

// Check validates sub as a browser makes it: an https endpoint, a P-256
// public key and a 16-octet secret.
func (sub Subscription) Check() error {
	if err := CheckEndpoint(sub.Endpoint); err != nil {
		return err
	}
	p, err := decode(sub.P256DH)
	if err != nil {
		return fmt.Errorf("push: p256dh: %w", err)
	}
	if _, err := ecdh.P256().NewPublicKey(p); err != nil {
		return fmt.Errorf("push: p256dh is not a P-256 public key: %w", err)
	}
	a, err := decode(sub.Auth)
	if err != nil {
		return fmt.Errorf("push: auth: %w", err)
	}
	if len(a) != 16 {
		return fmt.Errorf("push: auth is %d octets, want 16", len(a))
	}
	return nil
}

// MaxEndpointLen bounds a push endpoint.
const MaxEndpointLen = 2048

// CheckEndpoint validates a push endpoint: an absolute https URL without
// credentials or fragment.
func CheckEndpoint(endpoint string) error {
	if len(endpoint) > MaxEndpointLen {
		return fmt.Errorf("push: endpoint longer than %d", MaxEndpointLen)
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return errors.New("push: the endpoint is not an https URL")
	}
	return nil
}

// decode reads base64url with or without padding, as browsers and
// libraries write it.
func decode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// Keys are a VAPID key pair (RFC 8292 section 3.2), base64url without
// padding: the public key as an uncompressed P-256 point (the
// applicationServerKey the browser subscribes with), the private key as
// its 32-octet scalar.
type Keys struct {
	Public, Private string
}

// GenerateKeys returns a new VAPID key pair.
func GenerateKeys() (Keys, error) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return Keys{}, fmt.Errorf("push: generating VAPID keys: %w", err)
	}
	return Keys{
		Public:  base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()),
		Private: base64.RawURLEncoding.EncodeToString(k.Bytes()),
	}, nil
}

// ParseKeys validates a VAPID private key and, if public is not empty,
// that public is its public key; it returns the pair.
func ParseKeys(public, private string) (Keys, error) {
	d, err := decode(private)
	if err != nil {
		return Keys{}, errors.New("push: the VAPID private key is not base64url")
	}
	k, err := ecdh.P256().NewPrivateKey(d)
	if err != nil {
		return Keys{}, errors.New("push: the VAPID private key is not a P-256 private key (32 octets, base64url)")
	}
	derived := base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes())
	if public != "" {
		p, err := decode(public)
		if err != nil || !bytes.Equal(p, k.PublicKey().Bytes()) {
			return Keys{}, errors.New("push: the VAPID public key is not the private key's")
		}
	}
	return Keys{Public: derived, Private: base64.RawURLEncoding.EncodeToString(d)}, nil
}

// CheckContact validates the contact of the VAPID "sub" claim (RFC 8292
// section 2.1): a mailto: or https: URI, by which push services reach
// the operator.
func CheckContact(contact string) error {
	switch u, err := url.Parse(contact); {
	case err != nil:
		return fmt.Errorf("push: contact %q is not a URI", contact)
	case u.Scheme == "mailto" && strings.Contains(u.Opaque, "@"):
		return nil
	case u.Scheme == "https" && u.Host != "":
		return nil
	}
	return fmt.Errorf("push: contact %q is neither mailto:address nor an https URL", contact)
}

// Options configure a Sender.
type Options struct {
	Keys Keys
	// Contact is a mailto: or https: URI for the push services.
	Contact string
	// Client sends the requests. nil means a client that connects to
	// public addresses only: push endpoints come from browsers, and must
	// not make the server reach its own network.
	Client *http.Client
	// Timeout bounds one message; 0 means DefaultTimeout.
	Timeout time.Duration
	// TTL is how long a push service keeps a message for a device that
	// is offline; 0 means DefaultTTL.
	TTL time.Duration
}

// Sender sends push messages. It is safe for concurrent use.
type Sender struct {
	keys    Keys
	subject string
	client  *http.Client
	timeout time.Duration
	ttl     time.Duration
}

// NewSender validates opts and returns a Sender.
func NewSender(opts Options) (*Sender, error) {
	keys, err := ParseKeys(opts.Keys.Public, opts.Keys.Private)
	if err != nil {
		return nil, err
	}
	if err := CheckContact(opts.Contact); err != nil {
		return nil, err
	}
	s := &Sender{
		keys: keys,
		// webpush-go prefixes "mailto:" to any subject that is not an
		// https URL.
		subject: strings.TrimPrefix(opts.Contact, "mailto:"),
		client:  opts.Client,
		timeout: opts.Timeout,
		ttl:     opts.TTL,
	}
	if s.client == nil {
		s.client = publicClient()
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.ttl <= 0 {
		s.ttl = DefaultTTL
	}
	return s, nil
}

// PublicKey returns the VAPID public key, for the PWA's
// applicationServerKey.
func (s *Sender) PublicKey() string { return s.keys.Public }

// Message is what Send sends.
type Message struct {
	// Payload is encrypted for the subscription; at most MaxPayload octets.
	Payload []byte
	// Topic, if set, replaces a message of the same topic that the push
	// service has not delivered yet (RFC 8030 section 5.4): at most 32
	// characters of base64url.
	Topic string
	// Urgency is "very-low", "low", "normal" (the default) or "high"
	// (RFC 8030 section 5.3).
	Urgency string
	// TTL overrides the Sender's TTL when positive.
	TTL time.Duration
}

// Send delivers msg to sub. It returns nil once the push service has
// accepted the message, an error wrapping ErrGone if the subscription
// has ended, or an *Error.
func (s *Sender) Send(ctx context.Context, sub Subscription, msg Message) error {
	if err := sub.Check(); err != nil {
		return &Error{Err: err}
	}
	if len(msg.Payload) > MaxPayload {
		return &Error{Err: fmt.Errorf("payload of %d octets, more than %d", len(msg.Payload), MaxPayload)}
	}
	ttl := msg.TTL
	if ttl <= 0 {
		ttl = s.ttl
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	resp, err := webpush.SendNotificationWithContext(ctx, msg.Payload,
		&webpush.Subscription{Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256DH, Auth: sub.Auth}},
		&webpush.Options{
			HTTPClient:      s.client,
			Subscriber:      s.subject,
			Topic:           msg.Topic,
			TTL:             int(ttl / time.Second),
			Urgency:         webpush.Urgency(msg.Urgency),
			VAPIDPublicKey:  s.keys.Public,
			VAPIDPrivateKey: s.keys.Private,
		})
	if err != nil {
		// The subscription and keys were checked: this is the network,
		// unless the endpoint is not on the public internet.
		return &Error{Retryable: !errors.Is(err, errNotPublic), Err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusNotFound || code == http.StatusGone:
		return fmt.Errorf("%w (HTTP %d)", ErrGone, code)
	}
	e := &Error{
		StatusCode: code,
		Retryable:  code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500,
		Err:        fmt.Errorf("%q", strings.TrimSpace(string(body))),
	}
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
		e.RetryAfter = time.Duration(n) * time.Second
	}
	return e
}

var errNotPublic = errors.New("the push endpoint is not a public internet address")

// publicClient returns a client whose connections go to public unicast
// addresses only, whatever the endpoint's name resolves to. It uses no
// proxy.
func publicClient() *http.Client {
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !isPublic(ap.Addr()) {
				return fmt.Errorf("%w: %s", errNotPublic, address)
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 10 * time.Second,
		},
		// A push service answers; it does not redirect.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598).
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func isPublic(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsGlobalUnicast() && !a.IsPrivate() && !cgnat.Contains(a)
}
