package i18n

// Key names one message of the catalogs. Every key has a non-empty text in
// every language (the tests check it). Placeholders are {1}, {2}, … (see
// Lang.F); plural messages hold their forms separated by "|" with the
// count as {n} (see Lang.N).
type Key uint16

// The messages, by the place they appear.
const (
	// The app as a whole.
	AppDescription Key = iota
	Language
	DemoLabel
	DemoText
	UpdateReady
	UpdateNow
	TryAgain
	SignInButton

	// Errors, by the API's error codes and the app's own checks.
	ErrSignedOut
	ErrUpstream
	ErrOffline
	ErrSlow
	ErrDenied
	ErrFlowExpired
	ErrRateLimited
	ErrForbidden
	ErrNoProvider
	ErrGeneric
	ErrUnsupported
	ErrBadPIN
	ErrEmptyPIN
	ErrBadAuthorize
	ErrFeedApproval
	ErrNotAFeed
	ErrDetail

	// The sign-in page.
	SignInTitle
	SignInHeading
	SignInLead
	SignInPrivacy
	SignInLoading
	SignInNoProviders
	SignInOpening
	SignInDemoTag
	SignInUsePIN
	SignInUsePINFor

	// The PIN page.
	PINTitle
	PINLead
	PINReopen
	PINLabel
	PINHelp
	PINContinue
	PINChecking
	StartAgain

	// The callback page.
	CallbackTitle
	CallbackSigningIn
	CallbackMakingFeed
	CallbackChecking
	CallbackFeedTitle
	CallbackFeedSignedOut
	CallbackNoFeed
	CallbackNoAccess
	CallbackFailed
	CallbackBackToWeek
	CallbackBackToSignIn

	// The week.
	WeekSignOut
	WeekSigningOut
	WeekLoading
	WeekLoadingClasses
	WeekSignedOutKeep
	WeekNotUpdated
	WeekNotSyncedOffline
	WeekNotSyncedSignedOut
	WeekNotSynced
	WeekSignOutOffline
	WeekOffline
	WeekSyncing
	WeekLastSynced
	WeekSyncedAt
	WeekSyncedNever
	WeekSyncedJustNow
	WeekSyncedMinutesAgo
	WeekSyncedToday
	WeekSyncedYesterday
	WeekSyncedOnAt
	WeekSyncedOn
	WeekNav
	WeekPrevious
	WeekNext
	WeekToday
	WeekNotSaved
	WeekNoClassesWeek
	WeekNoClasses
	EventAllDay
	EventGroup
	EventClass
	EventExam
	EventMeeting

	// The calendar panel.
	CalAddToCalendar
	CalDownload
	CalDownloadHint
	CalSubscribe
	CalSubscribeHint
	CalCopy
	CalCopied
	CalCopyManually
	CalOpenInApp
	CalStopThis
	CalRevoked
	CalFeedLabel
	CalStopSummary
	CalStopLabel
	CalStopIt

	// What the server writes: subscription addresses and calendar files.
	FeedNoteRevocable
	FeedNoteFixed
	FeedExpired
	FeedInvalid
	FeedProviderGone
	FeedRevoked
	FeedUpstream
	FeedFailed
	ICSCalendarName
	ICSCourse
	ICSType
	ICSGroup
	ICSLecturers

	// The day view, the grid week, class details, hidden classes, the
	// theme and change marks.
	ViewDay
	ViewPrevDay
	ViewNextDay
	ViewToday
	ViewStrip
	ViewHasClasses
	ViewNoClassesToday
	ViewNextClassesOn
	ViewWeekGrid
	ViewRoom
	CardNext
	CardInMinutes
	CardInClass
	CardNoMore
	DetailsWhen
	DetailsType
	DetailsGroup
	DetailsWhere
	DetailsLecturers
	DetailsNotes
	DetailsCoursePage
	DetailsClose
	DetailsColour
	HideAllGroups
	HideGroup
	HiddenTitle
	HiddenNone
	HiddenShow
	HiddenGroup
	HiddenAllGroups
	SettingsTitle
	ThemeLabel
	ThemeSystem
	ThemeLight
	ThemeDark
	ChangeNew
	ChangeMovedFrom
	ChangeRoomWas
	ChangeCancelled
	ChangesSummary
	ChangesUnconfirmed

	// Public timetables: the search, a room's, course's or lecturer's
	// week, pinned timetables and free rooms.
	PublicLink
	PublicTitle
	PublicLead
	PublicUniversity
	PublicKindLabel
	PublicKindRoom
	PublicKindCourse
	PublicKindLecturer
	PublicQuery
	PublicSearch
	PublicSearching
	PublicResults
	PublicMatches
	PublicNoMatches
	PublicNoProviders
	PublicNotFound
	PublicBack
	PublicMyWeek
	PublicPinned
	PublicPin
	PublicUnpin
	PublicUnpinName
	PublicPinnedNote
	PublicTooManyPins
	PublicPinToKeep
	PublicOffline
	PublicUpdated
	FreeRoomsLink
	FreeRoomsTitle
	FreeRoomsIn
	FreeRoomsFor
	FreeRoomsSpan
	FreeRoomsUntil
	FreeRoomsRestOfDay
	FreeRoomsNone
	FreeRoomsChecked
	FreeRoomsTooLarge
	FreeRoomsChecking
	FreeRoomsAgain
	DurationMinutes
	DurationHours
	DurationHoursMinutes

	// Change notifications: the setting in the PWA, and the push
	// messages the server sends (which also use ChangesSummary).
	NotifySetting
	NotifyOnNote
	NotifyApproveNote
	NotifyTurningOn
	NotifyBlocked
	NotifyNoSupport
	NotifyFailed
	NotifyToday
	NotifyTomorrow
	NotifyMoved
	NotifyRoom
	NotifyMovedRoom
	NotifyCancelled
	NotifyAdded
	NotifyMore
	NotifyReminderTitle
	NotifyReminder
	NotifyReminderRoom
	NotifyRemindersLabel
	NotifyRemindersOff
	NotifyRemindersBefore
	NotifySignOutStop

	numKeys
)

var catalogs = [numLangs]*[numKeys]string{English: &en, Polish: &pl, Dutch: &nl}
