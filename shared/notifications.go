package shared

// Change notifications: the server checks a student's coming classes on
// their behalf and sends a Web Push message to their browser when one
// moves, changes room or is cancelled.
//
// Turning them on takes three steps: GET NotificationsPath says whether
// they are available and gives the VAPID key to subscribe with; the
// student approves long-lived access at the university
// (StartRequest.Purpose PurposeNotifications, completed as usual); then
// the PWA sends the browser's push subscription with POST
// NotificationsPath. DELETE NotificationsPath turns them off. A sealed,
// HttpOnly cookie tells which subscription is this browser's.

// PurposeNotifications approves a long-lived access at the university for
// change notifications, of its own as a calendar subscription's: it needs
// a signed-in session at the same university, and the university must
// grant long-lived access (409 unsupported before anything otherwise).
const PurposeNotifications Purpose = "notifications"

// NotificationsPath is the API address of the student's change
// notifications: GET, POST (a NotificationsRequest), DELETE.
const NotificationsPath = "/api/notifications"

// MaxRemindersMinutes bounds NotificationsRequest.RemindersMinutes.
const MaxRemindersMinutes = 24 * 60

// Notifications is the answer of every NotificationsPath method.
type Notifications struct {
	// Available says whether change notifications can be turned on here,
	// for this student; Reason says why not when they cannot.
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	// VAPIDPublicKey is the applicationServerKey to subscribe with
	// (base64url), when available.
	VAPIDPublicKey string `json:"vapid_public_key,omitempty"`
	// Subscribed says whether this browser receives notifications.
	Subscribed bool `json:"subscribed"`
	// Approved says whether an approval at the university waits for this
	// browser's push subscription (POST NotificationsPath).
	Approved bool `json:"approved,omitempty"`
	// RemindersMinutes is how long before each class a reminder comes;
	// 0 means none.
	RemindersMinutes int `json:"reminders_minutes"`
}

// PushSubscription is a browser's push subscription, as
// PushSubscription.toJSON() gives it.
type PushSubscription struct {
	Endpoint string               `json:"endpoint"`
	Keys     PushSubscriptionKeys `json:"keys"`
}

// PushSubscriptionKeys are a push subscription's keys, base64url.
type PushSubscriptionKeys struct {
	P256DH string `json:"p256dh"`
	Auth   string `json:"auth"`
}

// NotificationsRequest is the body of POST NotificationsPath: it turns
// notifications on for this browser after the approval, or changes their
// settings.
type NotificationsRequest struct {
	Subscription PushSubscription `json:"subscription"`
	// Language is the language of the notifications ("en", "pl", …);
	// empty means the request's Accept-Language.
	Language string `json:"language,omitempty"`
	// RemindersMinutes asks for a reminder that long before each class
	// (0 to MaxRemindersMinutes); 0 means none.
	RemindersMinutes int `json:"reminders_minutes,omitempty"`
}
