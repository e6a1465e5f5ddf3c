package push

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/notify/push/pushtest"
)

func newSender(t *testing.T, svc *pushtest.Service, keys Keys, opts Options) *Sender {
	t.Helper()
	opts.Keys = keys
	if opts.Contact == "" {
		opts.Contact = "mailto:ops@example.edu"
	}
	if opts.Client == nil && svc != nil {
		opts.Client = svc.Client()
	}
	s, err := NewSender(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func subOf(d *pushtest.Device) Subscription {
	return Subscription{Endpoint: d.Endpoint(), P256DH: d.P256DH(), Auth: d.Auth()}
}

func mustKeys(t *testing.T) Keys {
	t.Helper()
	k, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSendDecrypts: what the device reads is the payload sent, with the
// headers asked for and the operator's contact in the VAPID token.
func TestSendDecrypts(t *testing.T) {
	keys := mustKeys(t)
	svc := pushtest.New(t, keys.Public)
	for _, contact := range []string{"mailto:ops@example.edu", "https://example.edu/contact"} {
		s := newSender(t, svc, keys, Options{Contact: contact, TTL: time.Hour})
		d := svc.Subscribe()
		payload := []byte(`{"title":"Analiza matematyczna","body":"jutro 12:15 → 14:00"}`)
		if err := s.Send(context.Background(), subOf(d), Message{Payload: payload, Topic: "changes", Urgency: "high"}); err != nil {
			t.Fatalf("%s: %v (rejected: %v)", contact, err, svc.Rejected())
		}
		long := bytes.Repeat([]byte("x"), MaxPayload)
		if err := s.Send(context.Background(), subOf(d), Message{Payload: long, TTL: 5 * time.Minute}); err != nil {
			t.Fatalf("a payload of MaxPayload octets: %v (rejected: %v)", err, svc.Rejected())
		}
		msgs := d.Messages()
		if len(msgs) != 2 {
			t.Fatalf("%d messages, want 2 (rejected: %v)", len(msgs), svc.Rejected())
		}
		m := msgs[0]
		if !bytes.Equal(m.Payload, payload) || m.TTL != 3600 || m.Topic != "changes" || m.Urgency != "high" || m.Subject != contact {
			t.Errorf("received %+v (payload %q)", m, m.Payload)
		}
		if !bytes.Equal(msgs[1].Payload, long) || msgs[1].TTL != 300 {
			t.Errorf("second message: %d octets, TTL %d", len(msgs[1].Payload), msgs[1].TTL)
		}
	}
	if r := svc.Rejected(); len(r) > 0 {
		t.Errorf("the push service refused: %v", r)
	}
}

func TestSendErrors(t *testing.T) {
	keys := mustKeys(t)
	svc := pushtest.New(t, keys.Public)
	s := newSender(t, svc, keys, Options{})
	ctx := context.Background()
	msg := Message{Payload: []byte("hello")}

	gone := svc.Subscribe()
	gone.Unsubscribe()
	unknown := svc.Subscribe()
	unknownSub := subOf(unknown)
	unknownSub.Endpoint += "-nobody"
	for name, sub := range map[string]Subscription{"410": subOf(gone), "404": unknownSub} {
		if err := s.Send(ctx, sub, msg); !errors.Is(err, ErrGone) || Retryable(err) {
			t.Errorf("%s: Send = %v, want ErrGone", name, err)
		}
	}

	for _, tc := range []struct {
		code      int
		retryable bool
	}{
		{500, true}, {503, true}, {429, true}, {408, true},
		{400, false}, {403, false}, {413, false},
	} {
		d := svc.Subscribe()
		d.AnswerNext(tc.code)
		err := s.Send(ctx, subOf(d), msg)
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != tc.code || e.Retryable != tc.retryable || errors.Is(err, ErrGone) {
			t.Errorf("HTTP %d: Send = %#v, want an *Error, retryable %v", tc.code, err, tc.retryable)
		}
		// The next attempt goes through.
		if err := s.Send(ctx, subOf(d), msg); err != nil {
			t.Errorf("HTTP %d, then: %v", tc.code, err)
		}
	}

	// Signed with a key the subscription was not made for: refused, not
	// retryable, not gone.
	other := newSender(t, svc, mustKeys(t), Options{})
	d := svc.Subscribe()
	err := other.Send(ctx, subOf(d), msg)
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusForbidden || Retryable(err) {
		t.Errorf("another VAPID key: Send = %v, want 403", err)
	}

	// Refused before any request.
	bad := subOf(svc.Subscribe())
	bad.Auth = "c2hvcnQ"
	tooLong := Message{Payload: make([]byte, MaxPayload+1)}
	for name, tc := range map[string]struct {
		sub Subscription
		msg Message
	}{
		"an auth secret of 5 octets": {bad, msg},
		"a payload too long":         {subOf(svc.Subscribe()), tooLong},
		"an http endpoint":           {Subscription{Endpoint: "http://push.example/x", P256DH: d.P256DH(), Auth: d.Auth()}, msg},
	} {
		if err := s.Send(ctx, tc.sub, tc.msg); err == nil || Retryable(err) || errors.Is(err, ErrGone) {
			t.Errorf("%s: Send = %v, want a permanent error", name, err)
		}
	}
}

func TestSendTimeout(t *testing.T) {
	keys := mustKeys(t)
	release := make(chan struct{})
	slow := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	svc := pushtest.New(t, keys.Public)
	d := svc.Subscribe()
	s := newSender(t, nil, keys, Options{Client: slow.Client(), Timeout: 100 * time.Millisecond})
	sub := subOf(d)
	sub.Endpoint = slow.URL + "/push/x"
	start := time.Now()
	err := s.Send(context.Background(), sub, Message{Payload: []byte("hi")})
	if !Retryable(err) {
		t.Errorf("Send to a push service that does not answer = %v, want a retryable error", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Send took %v despite a timeout of 100ms", el)
	}
}

// TestDefaultClientPublicOnly: with the default client, an endpoint on
// this machine is not contacted, whatever a browser says.
func TestDefaultClientPublicOnly(t *testing.T) {
	keys := mustKeys(t)
	var hits atomic.Int32
	local := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer local.Close()
	s, err := NewSender(Options{Keys: keys, Contact: "mailto:ops@example.edu"})
	if err != nil {
		t.Fatal(err)
	}
	d := pushtest.New(t, keys.Public).Subscribe()
	for _, endpoint := range []string{local.URL + "/push/x", strings.Replace(local.URL, "127.0.0.1", "localhost", 1) + "/push/x"} {
		sub := subOf(d)
		sub.Endpoint = endpoint
		err := s.Send(context.Background(), sub, Message{Payload: []byte("hi")})
		if err == nil || Retryable(err) || !errors.Is(err, errNotPublic) {
			t.Errorf("%s: Send = %v, want a permanent refusal", endpoint, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the local server got %d requests", hits.Load())
	}
}

func TestKeys(t *testing.T) {
	k := mustKeys(t)
	got, err := ParseKeys(k.Public, k.Private)
	if err != nil || got != k {
		t.Fatalf("ParseKeys(generated) = %+v, %v", got, err)
	}
	if got, err := ParseKeys("", k.Private+"="); err != nil || got != k {
		t.Errorf("ParseKeys without the public key, padded = %+v, %v; want the pair", got, err)
	}
	other := mustKeys(t)
	for name, pair := range map[string][2]string{
		"mismatched":     {other.Public, k.Private},
		"not base64":     {"", "!!"},
		"short":          {"", "AAAA"},
		"zero scalar":    {"", strings.Repeat("A", 43)},
		"public garbage": {"BAAA", k.Private},
		"no private key": {k.Public, ""},
	} {
		if _, err := ParseKeys(pair[0], pair[1]); err == nil {
			t.Errorf("ParseKeys %s: no error", name)
		}
	}
}

func TestCheckContact(t *testing.T) {
	for c, ok := range map[string]bool{
		"mailto:ops@example.edu":      true,
		"https://example.edu/contact": true,
		"ops@example.edu":             false,
		"http://example.edu":          false,
		"mailto:nobody":               false,
		"":                            false,
	} {
		if err := CheckContact(c); (err == nil) != ok {
			t.Errorf("CheckContact(%q) = %v, want ok %v", c, err, ok)
		}
	}
}

func TestIsPublic(t *testing.T) {
	for a, want := range map[string]bool{
		"93.184.216.34": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "192.168.0.1": false, "172.16.0.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "::1": false, "fe80::1": false, "fd00::1": false,
		"0.0.0.0": false, "::ffff:127.0.0.1": false, "224.0.0.1": false,
	} {
		if got := isPublic(mustAddr(t, a)); got != want {
			t.Errorf("isPublic(%s) = %v, want %v", a, got, want)
		}
	}
}

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
