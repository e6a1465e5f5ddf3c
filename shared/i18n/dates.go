package i18n

import (
	"strconv"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// Weeks start on Monday and times are on the 24-hour clock in all three
// languages. Day and month names are lower-case in Polish and Dutch
// running text; Polish puts the month in the genitive after a day number
// ("6 grudnia 2026").

var weekdays = [numLangs][7]string{
	English: {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	Polish:  {"niedziela", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota"},
	Dutch:   {"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
}

// months are the month names as they follow a day number.
var months = [numLangs][12]string{
	English: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	Polish:  {"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"},
	Dutch:   {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

// shortMonths are the abbreviated month names after a day number (CLDR's
// abbreviated format forms).
var shortMonths = [numLangs][12]string{
	English: {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	Polish:  {"sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"},
	Dutch:   {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
}

func (l Lang) valid() Lang {
	if l >= numLangs {
		return English
	}
	return l
}

// Weekday names a day of the week: "Monday", "poniedziałek", "maandag".
func (l Lang) Weekday(w time.Weekday) string { return weekdays[l.valid()][w%7] }

// month is d's month name after a day number.
func (l Lang) month(m time.Month) string { return months[l.valid()][(m+11)%12] }

// Date is a date with its year: "6 December 2026", "6 grudnia 2026",
// "6 december 2026".
func (l Lang) Date(d shared.Date) string {
	return l.DayMonth(d) + " " + strconv.Itoa(d.Year)
}

// DayMonth is a date without its year: "6 December", "6 grudnia".
func (l Lang) DayMonth(d shared.Date) string {
	return strconv.Itoa(d.Day) + " " + l.month(d.Month)
}

// ShortDate is a date with an abbreviated month and no year: "30 Nov",
// "30 lis", "30 nov".
func (l Lang) ShortDate(d shared.Date) string {
	return strconv.Itoa(d.Day) + " " + shortMonths[l.valid()][(d.Month+11)%12]
}

// WeekRange names the week Monday to Sunday of monday, saying the month and
// year once when they are shared: "23 – 29 November 2026",
// "30 listopada – 6 grudnia 2026", "28 december 2026 – 3 januari 2027".
func (l Lang) WeekRange(monday shared.Date) string {
	sun := monday.AddDays(6)
	switch {
	case monday.Year != sun.Year:
		return l.Date(monday) + " – " + l.Date(sun)
	case monday.Month != sun.Month:
		return l.DayMonth(monday) + " – " + l.Date(sun)
	}
	return strconv.Itoa(monday.Day) + " – " + l.Date(sun)
}

// Clock is the time of day of t in t's own offset, on the 24-hour clock
// with a colon in every language: "08:15".
func Clock(t time.Time) string { return t.Format("15:04") }
