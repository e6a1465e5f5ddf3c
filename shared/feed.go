package shared

import "time"

// Feed is a secret calendar subscription address for calendar apps, which
// cannot send cookies. It comes in [CompleteResponse] after an
// authorization started with [PurposeFeed]: the address holds an access of
// its own at the university, independent of the student's session.
//
// URL carries only an opaque, sealed value (never a raw token). Anyone with
// the URL can read the student's timetable, so clients should show it only
// for copying, never store it, and offer to revoke it.
type Feed struct {
	URL string `json:"url"`
	// ExpiresAt is when the address stops working at the latest.
	ExpiresAt time.Time `json:"expires_at"`
	// Revocable tells whether POST /api/feed/revoke can end the address
	// before ExpiresAt. Some universities (MyTimetable) offer no way to
	// revoke access.
	Revocable bool `json:"revocable"`
	// Note explains, in words for a student, what the address depends on.
	Note string `json:"note,omitempty"`
}

// FeedRevokeRequest is the body of POST /api/feed/revoke.
type FeedRevokeRequest struct {
	URL string `json:"url"`
}
