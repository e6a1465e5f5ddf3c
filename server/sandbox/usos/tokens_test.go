package usos

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestStoreBoundsAndPruning(t *testing.T) {
	s := newStore()
	now := time.Unix(1_800_000_000, 0)
	ts := now.Unix()
	// A nonce is refused while its timestamp is acceptable, and forgotten
	// once it is not.
	k := makeNonceKey("c", "t", ts, "n")
	if fresh, _ := s.useNonce(now, k, ts); !fresh {
		t.Fatal("first use refused")
	}
	if fresh, _ := s.useNonce(now.Add(time.Minute), k, ts); fresh {
		t.Fatal("replay accepted")
	}
	if makeNonceKey("c", "t", ts, "n") == makeNonceKey("c", "tn", ts, "") {
		t.Fatal("nonce keys are ambiguous")
	}
	later := now.Add(timestampWindow + 2*pruneEvery)
	s.mu.Lock()
	s.pruneLocked(later, false)
	n := len(s.nonces)
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("%d nonces left after the window", n)
	}

	// Full tables refuse new entries instead of growing.
	for i := range maxRequestTokens {
		s.request[strconv.Itoa(i)] = &requestToken{expires: later.Add(time.Hour)}
	}
	if _, _, err := s.addRequestToken(later, requestToken{}); err != errStoreFull {
		t.Errorf("full request table: err = %v", err)
	}
	// Expired ones are pruned to make room.
	if _, _, err := s.addRequestToken(later.Add(2*time.Hour), requestToken{}); err != nil {
		t.Errorf("after expiry: err = %v", err)
	}
	if len(s.request) != 1 {
		t.Errorf("%d request tokens after pruning", len(s.request))
	}
}

func TestRandomPIN(t *testing.T) {
	for range 1000 {
		if p := randomPIN(); len(p) != 8 || strings.Trim(p, "0123456789") != "" {
			t.Fatalf("randomPIN: %q", p)
		}
	}
}
