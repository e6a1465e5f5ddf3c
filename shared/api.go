package shared

import "time"

// ProviderKind names the protocol family of a timetable provider.
type ProviderKind string

// Known provider kinds.
const (
	// KindUSOS is a USOS API installation (Polish universities, OAuth 1.0a).
	KindUSOS ProviderKind = "usos"
	// KindMyTimetable is a MyTimetable installation (Dutch and Belgian
	// universities, OAuth 2 authorization code grant).
	KindMyTimetable ProviderKind = "mytimetable"
)

// Provider describes one configured university a student can sign in with.
// GET /api/providers answers with a JSON array of Provider.
type Provider struct {
	// ID is the operator-chosen identifier, [a-z0-9-]+, used in URLs.
	ID string `json:"id"`
	// Kind is the protocol family.
	Kind ProviderKind `json:"kind"`
	// Name is the university's display name.
	Name string `json:"name"`
	// Demo is true when the provider is the backend's built-in sandbox,
	// which serves made-up students and classes.
	Demo bool `json:"demo,omitempty"`
	// Capabilities say what CampusWeek can do with this university's
	// system. Clients offer features by them, never by Kind.
	Capabilities Capabilities `json:"capabilities"`
}

// Capabilities describe what a configured university's system supports,
// as GET /api/providers publishes them. A false field means the API
// answers the feature with an error (400 bad_request for PIN mode, 409
// unsupported otherwise) and clients should not offer it.
type Capabilities struct {
	// PIN: signing in with ModePIN (the student types a code the
	// university shows) is supported besides ModeRedirect.
	PIN bool `json:"pin"`
	// Revoke: access can be ended at the university before it expires, so
	// signing out and stopping a calendar subscription take effect there.
	Revoke bool `json:"revoke"`
	// LongLivedAccess: the university grants access that outlives the
	// student's session (USOS offline_access, OAuth 2 refresh tokens),
	// which calendar subscriptions ([PurposeFeed]) need. Where that
	// depends on the grant (an OAuth 2 installation may issue no refresh
	// token), a start for a grant without it is still answered 409
	// unsupported.
	LongLivedAccess bool `json:"long_lived_access"`
	// PublicTimetables: rooms', courses' and lecturers' timetables and
	// free rooms can be read without signing in (GET /api/public/...),
	// with the university's public methods only, never a student's
	// access.
	PublicTimetables bool `json:"public_timetables"`
}

// SignInMode selects how the provider hands the authorization back.
type SignInMode string

const (
	// ModeRedirect sends the browser back to {public_url}/auth/callback/{id}.
	ModeRedirect SignInMode = "redirect"
	// ModePIN makes the provider show a PIN (the OAuth 1.0a verifier) that
	// the student types into the PWA. Only USOS supports it.
	ModePIN SignInMode = "pin"
)

// Purpose says what an authorization at the university is for.
type Purpose string

const (
	// PurposeSession signs the student in to the PWA (the default).
	PurposeSession Purpose = "session"
	// PurposeFeed makes a calendar subscription address (see [Feed]) with
	// an access of its own at the university: signing out of the PWA does
	// not stop it, and stopping it does not sign the student out. It needs
	// a signed-in session at the same university.
	PurposeFeed Purpose = "feed"
)

// StartRequest is the body of POST /api/auth/{id}/start.
type StartRequest struct {
	// Mode defaults to ModeRedirect when empty.
	Mode SignInMode `json:"mode,omitempty"`
	// Purpose defaults to PurposeSession when empty.
	Purpose Purpose `json:"purpose,omitempty"`
	// ReturnTo is a same-origin path ("/", "/?week=2026-11-23") the PWA
	// returns to after signing in. Anything else is rejected with 400.
	ReturnTo string `json:"return_to,omitempty"`
}

// StartResponse is the reply to POST /api/auth/{id}/start.
type StartResponse struct {
	// AuthorizeURL is the provider's consent page. The PWA sends the
	// browser there (redirect mode) or opens it in a new tab (PIN mode).
	AuthorizeURL string `json:"authorize_url"`
}

// CompleteRequest is the body of POST /api/auth/{id}/complete.
type CompleteRequest struct {
	// Params are the query parameters the provider redirected back with,
	// verbatim (USOS: oauth_token, oauth_verifier; OAuth 2: code, state,
	// or error).
	Params map[string]string `json:"params,omitempty"`
	// PIN is the verifier the student typed in PIN mode.
	PIN string `json:"pin,omitempty"`
	// Hide, completing a calendar subscription (PurposeFeed), names the
	// classes the student hid in the app (Hide.String each, at most
	// MaxHides): the address is sealed with them and leaves them out.
	Hide []string `json:"hide,omitempty"`
}

// CompleteResponse is the reply to a successful POST /api/auth/{id}/complete.
type CompleteResponse struct {
	// ReturnTo is the path given to StartRequest, or "/" when none was.
	ReturnTo string `json:"return_to"`
	// Session is the new session (PurposeSession), or the unchanged
	// current one (PurposeFeed).
	Session Session `json:"session"`
	// Feed is the new subscription address, for PurposeFeed only.
	Feed *Feed `json:"feed,omitempty"`
}

// User is the signed-in student as the provider knows them.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Session is the reply to GET /api/session. When SignedIn is false the
// other fields are empty.
type Session struct {
	SignedIn bool `json:"signed_in"`
	// Provider is the ID of the provider the student signed in with.
	Provider string `json:"provider,omitempty"`
	User     *User  `json:"user,omitempty"`
	// ExpiresAt is when the session ends and the student has to sign in
	// again.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}
