package ui

import (
	"strings"

	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// notSynced says that a week is not on the device, which is not the same
// as a week without classes.
func notSynced(l i18n.Lang, msg string) app.UI {
	return el("div", attrs{"class", "not-synced", "role", "status"},
		text("p", attrs{"class", "not-synced-title"}, l.T(i18n.WeekNotSaved)),
		text("p", attrs{"class", "not-synced-hint"}, msg),
	)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
