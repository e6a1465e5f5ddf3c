// Package store keeps the change-notification subscriptions: the only state
// the server holds. Two backends share one implementation and one contract:
// SQLite (the default: a file under a data directory, one replica) and
// PostgreSQL (several replicas share the polling through leases).
//
// What identifies a student or grants anything is encrypted at rest with
// the session keys (package seal): the push subscription, the university
// access, and, under a key sealed with them, the snapshot of the student's
// classes. A row sealed with a key that is still configured opens after a
// rotation, and is sealed again with the first key at its next update.
package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Errors returned by a Store, possibly wrapped.
var (
	// ErrNotFound means no subscription has that id.
	ErrNotFound = errors.New("store: no such subscription")
	// ErrLeaseLost means the subscription was leased again by another
	// poller after this one's lease expired: its update is dropped.
	ErrLeaseLost = errors.New("store: lease lost")
)

// Push is a browser's push subscription (the Push API's
// PushSubscription.toJSON()): the push service address and the keys its
// payloads are encrypted for.
type Push struct {
	Endpoint string `json:"endpoint"`
	// P256DH is the subscription's public key, base64url.
	P256DH string `json:"p256dh"`
	// Auth is the authentication secret, base64url.
	Auth string `json:"auth"`
}

// Subscription is one device's subscription to change notifications.
type Subscription struct {
	// ID names the subscription (a device's marker carries it); NewID
	// makes one.
	ID string
	// Owner names the student (see the function Owner), so that all of
	// a student's subscriptions can be deleted at once.
	Owner string
	// Provider is the id of the university the access is for.
	Provider string
	// Language is the language of the notifications, e.g. "pl".
	Language string
	// Push is the browser's push subscription. Sealed at rest.
	Push Push
	// Access is the long-lived university access, encoded by the caller.
	// Sealed at rest.
	Access json.RawMessage
	// Snapshot is the last known state of the watched classes, encoded by
	// the caller; nil before the first check. Encrypted at rest.
	Snapshot []byte
	// RemindersMinutes is how long before each class a reminder is sent;
	// 0 means none.
	RemindersMinutes int
	// Created is when the student subscribed; Expires is when the
	// subscription ends unless renewed (the seal expires with it).
	Created, Expires time.Time
	// NextCheck is when the subscription is next due.
	NextCheck time.Time
	// Failures counts the checks that failed in a row.
	Failures int

	// lease is the token of the lease this copy was read under; key is
	// the snapshot's key.
	lease string
	key   []byte
}

// Store holds subscriptions. Implementations are safe for concurrent use.
type Store interface {
	// Put creates or replaces the subscription sub.ID. Any other
	// subscription of the same push endpoint is deleted: a browser has one
	// subscription per endpoint. A lease on sub.ID is cancelled.
	Put(ctx context.Context, sub *Subscription) error
	// Get returns the subscription id, or ErrNotFound.
	Get(ctx context.Context, id string) (*Subscription, error)
	// Delete deletes the subscription id; it reports whether it existed.
	Delete(ctx context.Context, id string) (bool, error)
	// DeleteOwner deletes every subscription of owner and returns how many.
	DeleteOwner(ctx context.Context, owner string) (int, error)
	// DeleteExpired deletes the subscriptions that expired at now and
	// returns how many.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)
	// Lease returns up to limit subscriptions due at now (NextCheck not
	// after now, not expired, not leased), earliest first, and leases
	// them until now+d: until then no other Lease returns them. Rows
	// that no configured key opens any more are deleted and skipped.
	Lease(ctx context.Context, now time.Time, limit int, d time.Duration) ([]*Subscription, error)
	// Update stores sub after a check (Access, Snapshot, NextCheck,
	// Failures, Language, RemindersMinutes, Expires) and ends its lease.
	// sub must come from Lease; Update returns ErrLeaseLost if another
	// poller has leased it since, and ErrNotFound if it was deleted.
	Update(ctx context.Context, sub *Subscription) error
	// Count returns the number of subscriptions.
	Count(ctx context.Context) (int, error)
	// Ping checks that the database is reachable, for readiness.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Owner is the Owner of a student's subscriptions: the provider id and
// the student's user id there, e.g. "uw:123456". An operator deletes a
// student's data by it.
func Owner(provider, userID string) string { return provider + ":" + userID }

// NewID returns a new random subscription id.
func NewID() string { return randomString(16) }

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("store: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// endpointHash identifies a push endpoint without storing it in clear:
// endpoints end in long random tokens, so the hash does not reveal them.
func endpointHash(endpoint string) string {
	h := sha256.Sum256([]byte(endpoint))
	return hex.EncodeToString(h[:])
}

// validate checks what the database needs of sub.
func validate(sub *Subscription) error {
	switch {
	case sub.ID == "":
		return errors.New("store: subscription without an id")
	case sub.Owner == "":
		return errors.New("store: subscription without an owner")
	case sub.Push.Endpoint == "":
		return errors.New("store: subscription without a push endpoint")
	case sub.Expires.IsZero():
		return errors.New("store: subscription without an expiry")
	}
	return nil
}

// Kind names a backend.
type Kind string

// Backends.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// errorf wraps err with what was being done.
func errorf(what string, err error) error { return fmt.Errorf("store: %s: %w", what, err) }
