package changes

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
)

// PageDays is how many days, from today, the page lists.
const PageDays = 7

// Listing is a generated occurrence as the page lists it.
type Listing struct {
	Start, End time.Time
	Title      string
	Room       string // "" when online
}

// PageConfig configures Store.Page.
type PageConfig struct {
	Institution, System string
	// Zone is the sandbox's wall clock: the page shows times in it and
	// moves a class "to the next day" at the same wall time.
	Zone *time.Location
	// Now is the sandbox's clock.
	Now func() time.Time
	// List returns student's generated occurrences, without edits, that
	// start in [from, to), by start.
	List   func(student string, from, to time.Time) []Listing
	Logger *slog.Logger
}

// Page returns the page that changes demo students' timetables: GET lists
// a student's classes of the next PageDays days with their edits, and a
// form per class; POST makes one change and sends the browser back to the
// list (303). POST takes the form fields student, action (later: an hour
// later; nextday: the same time the next day; room: to the room in the
// field room; cancel; undo: forget this class's changes; empty: answer
// the next timetable request with an empty list, once; reset: forget all
// of the student's changes) and at, the RFC 3339 start of the class as
// generated. POSTs from another origin are refused.
func (s *Store) Page(cfg PageConfig) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			s.list(w, r, cfg)
		case http.MethodPost:
			s.change(w, r, cfg)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

type pageClass struct {
	Listing
	At                string // the RFC 3339 key of the forms
	When, MovedTo     string
	NewRoom           string
	Cancelled, Edited bool
}

type pageData struct {
	Institution, System string
	Student             string
	Students            []demo.Person
	Classes             []pageClass
	Days                int
	Empty               bool
	Error               string
}

func (s *Store) list(w http.ResponseWriter, r *http.Request, cfg PageConfig) {
	student := r.URL.Query().Get("student")
	if student == "" {
		student = demo.Students[0].ID
	}
	d := pageData{Institution: cfg.Institution, System: cfg.System, Student: student, Students: demo.Students, Days: PageDays}
	status := http.StatusOK
	if !demo.IsStudent(student) {
		d.Error, status = "There is no demo student "+student+".", http.StatusNotFound
	} else {
		now := cfg.Now().In(cfg.Zone)
		from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, cfg.Zone)
		to := time.Date(now.Year(), now.Month(), now.Day()+PageDays, 0, 0, 0, 0, cfg.Zone)
		edits := s.Edits(student)
		for _, l := range cfg.List(student, from, to) {
			c := pageClass{Listing: l, At: l.Start.Format(time.RFC3339),
				When: l.Start.In(cfg.Zone).Format("Mon 2 Jan 15:04") + "-" + l.End.In(cfg.Zone).Format("15:04")}
			for _, e := range edits {
				if e.At.Equal(l.Start) {
					c.Edited, c.Cancelled, c.NewRoom = true, e.Cancel, e.Room
					if !e.To.IsZero() {
						c.MovedTo = e.To.In(cfg.Zone).Format("Mon 2 Jan 15:04")
					}
				}
			}
			d.Classes = append(d.Classes, c)
		}
		d.Empty = s.EmptyPending(student)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := page.Execute(w, d); err != nil && cfg.Logger != nil {
		cfg.Logger.Warn("sandbox changes page", "error", err)
	}
}

func (s *Store) change(w http.ResponseWriter, r *http.Request, cfg PageConfig) {
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || !strings.EqualFold(u.Host, r.Host) {
			http.Error(w, "cross-origin changes are refused", http.StatusForbidden)
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	student, action := r.PostForm.Get("student"), r.PostForm.Get("action")
	if !demo.IsStudent(student) {
		http.Error(w, "unknown student", http.StatusBadRequest)
		return
	}
	var err error
	switch action {
	case "empty":
		s.EmptyOnce(student)
	case "reset":
		s.Reset(student)
	case "later", "nextday", "room", "cancel", "undo":
		at, perr := time.Parse(time.RFC3339, r.PostForm.Get("at"))
		if perr != nil {
			http.Error(w, "at: want an RFC 3339 time", http.StatusBadRequest)
			return
		}
		switch action {
		case "later":
			err = s.Edit(student, Edit{At: at, To: at.Add(time.Hour)})
		case "nextday":
			l := at.In(cfg.Zone)
			err = s.Edit(student, Edit{At: at, To: time.Date(l.Year(), l.Month(), l.Day()+1, l.Hour(), l.Minute(), 0, 0, cfg.Zone)})
		case "room":
			room := strings.TrimSpace(r.PostForm.Get("room"))
			if room == "" || len(room) > 40 {
				http.Error(w, "room: want 1 to 40 characters", http.StatusBadRequest)
				return
			}
			err = s.Edit(student, Edit{At: at, Room: room})
		case "cancel":
			err = s.Edit(student, Edit{At: at, Cancel: true})
		case "undo":
			s.Undo(student, at)
		}
	default:
		http.Error(w, "unknown action", http.StatusBadRequest)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	if cfg.Logger != nil {
		cfg.Logger.Info("sandbox: timetable changed", "student", student, "action", action)
	}
	http.Redirect(w, r, r.URL.Path+"?student="+url.QueryEscape(student), http.StatusSeeOther)
}

var page = template.Must(template.New("changes").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Change a timetable - {{.Institution}}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef1f5;color:#1d2430}
header{background:#0b3d72;color:#fff;padding:14px 20px;font-weight:600}
header small{display:block;font-weight:400;opacity:.8}
main{max-width:46rem;margin:20px auto;background:#fff;border-radius:10px;padding:20px 22px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0 0 12px}
ul{list-style:none;padding:0}
li{border-top:1px solid #d5dbe3;padding:10px 0}
form{display:inline}
button,select,input{font-size:.95rem;padding:4px 8px;margin:2px 0}
.state{color:#8a1c1c;font-weight:600}
.note{color:#5b6677;font-size:.875rem}
</style></head><body>
<header>{{.Institution}}<small>{{.System}} &middot; sandbox</small></header>
<main>
<h1>Change a demo student's timetable</h1>
<p class="note">Change a class here, then sync in CampusWeek to see what changed. Changes last until the server restarts.</p>
<form method="get"><label for="student">Student</label>
<select name="student" id="student">{{range .Students}}<option value="{{.ID}}"{{if eq .ID $.Student}} selected{{end}}>{{.FirstName}} {{.LastName}} ({{.ID}})</option>{{end}}</select>
<button>Show</button></form>
{{with .Error}}<p id="error">{{.}}</p>{{else}}
<div>
<form method="post"><input type="hidden" name="student" value="{{.Student}}"><button name="action" value="empty" id="empty">Answer the next request with an empty list, once</button></form>
<form method="post"><input type="hidden" name="student" value="{{.Student}}"><button name="action" value="reset" id="reset">Undo all changes</button></form>
{{if .Empty}}<span class="state">The next answer will be empty.</span>{{end}}
</div>
<ul>
{{range .Classes}}<li><strong>{{.When}}</strong> {{.Title}}{{with .Room}}, room {{.}}{{end}}
{{if .Cancelled}}<span class="state">cancelled</span>{{end}}
{{with .MovedTo}}<span class="state">moved to {{.}}</span>{{end}}
{{with .NewRoom}}<span class="state">room {{.}}</span>{{end}}<br>
<form method="post"><input type="hidden" name="student" value="{{$.Student}}"><input type="hidden" name="at" value="{{.At}}">
<button name="action" value="later">An hour later</button>
<button name="action" value="nextday">Next day</button>
<button name="action" value="cancel">Cancel</button>
{{if .Edited}}<button name="action" value="undo">Undo</button>{{end}}</form>
<form method="post"><input type="hidden" name="student" value="{{$.Student}}"><input type="hidden" name="at" value="{{.At}}">
<input name="room" aria-label="New room" size="8" maxlength="40" required><button name="action" value="room">Change room</button></form>
</li>
{{else}}<li>No classes in the next {{$.Days}} days.</li>
{{end}}</ul>{{end}}
</main></body></html>`))
