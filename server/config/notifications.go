package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/notify/push"
)

// Notifications configures change notifications: where subscriptions are
// stored, the VAPID identity push messages are sent with, and the
// schedule.
type Notifications struct {
	// DatabaseURL is a PostgreSQL connection string, for several
	// replicas; empty means SQLite in DataDir.
	DatabaseURL string
	// DataDir is the directory of the SQLite database, created on first
	// start.
	DataDir string
	// VAPID is the key pair push messages are signed with; the public
	// key is derived from the private key when not configured.
	VAPID push.Keys
	// VAPIDContact is how push services reach the operator: mailto: or
	// https:.
	VAPIDContact string
	// CheckInterval is how often a subscription is checked; classes of
	// the current day are checked every TodayCheckInterval.
	CheckInterval, TodayCheckInterval time.Duration
	// Days is how many days ahead are watched.
	Days int
}

// Defaults and bounds of the notifications section.
const (
	DefaultCheckInterval      = 30 * time.Minute
	DefaultTodayCheckInterval = 10 * time.Minute
	MinCheckInterval          = 5 * time.Minute
	MaxCheckInterval          = 24 * time.Hour
	DefaultNotifyDays         = 14
	MaxNotifyDays             = 28
)

type notifyFile struct {
	DatabaseURL     string `yaml:"database_url"`
	DataDir         string `yaml:"data_dir"`
	VAPIDPublicKey  string `yaml:"vapid_public_key"`
	VAPIDPrivateKey string `yaml:"vapid_private_key"`
	VAPIDContact    string `yaml:"vapid_contact"`
	// Strings, so that they may come from the environment like any value.
	CheckInterval      string `yaml:"check_interval"`
	TodayCheckInterval string `yaml:"today_check_interval"`
	Days               string `yaml:"days"`
}

func (x *expander) notifications(nf notifyFile) (*Notifications, []error) {
	var errs []error
	add := func(field string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("notifications.%s: %w", field, err))
		}
	}
	field := func(f string) string { return "notifications." + f }
	n := &Notifications{
		DatabaseURL:  x.expand(field("database_url"), nf.DatabaseURL),
		DataDir:      x.expand(field("data_dir"), nf.DataDir),
		VAPIDContact: x.expand(field("vapid_contact"), nf.VAPIDContact),
	}
	switch {
	case n.DatabaseURL != "" && n.DataDir != "":
		add("data_dir", errors.New("not used with database_url: give one of them"))
	case n.DatabaseURL != "":
		add("database_url", checkDatabaseURL(n.DatabaseURL))
	case n.DataDir == "":
		add("data_dir", errors.New("required (the directory of the SQLite database), unless database_url names a PostgreSQL database"))
	default:
		n.DataDir = filepath.Clean(n.DataDir)
		if strings.Contains(n.DataDir, "?") {
			add("data_dir", fmt.Errorf("%q must not contain '?'", n.DataDir))
		}
	}

	pub := x.expand(field("vapid_public_key"), nf.VAPIDPublicKey)
	priv := x.expand(field("vapid_private_key"), nf.VAPIDPrivateKey)
	if priv == "" {
		add("vapid_private_key", errors.New("required (base64url of a P-256 private key; `go run ./server/cmd/vapidkeys` prints a pair)"))
	} else if keys, err := push.ParseKeys(pub, priv); err != nil {
		// The message names no key material.
		add("vapid_private_key", err)
	} else {
		n.VAPID = keys
	}
	if n.VAPIDContact == "" {
		add("vapid_contact", errors.New("required (mailto:address or an https URL where push services reach you)"))
	} else {
		add("vapid_contact", push.CheckContact(n.VAPIDContact))
	}

	var err error
	n.CheckInterval, err = duration(x.expand(field("check_interval"), nf.CheckInterval), DefaultCheckInterval)
	add("check_interval", err)
	n.TodayCheckInterval, err = duration(x.expand(field("today_check_interval"), nf.TodayCheckInterval), DefaultTodayCheckInterval)
	add("today_check_interval", err)
	if n.TodayCheckInterval > n.CheckInterval {
		add("today_check_interval", fmt.Errorf("%v is longer than check_interval (%v)", n.TodayCheckInterval, n.CheckInterval))
	}

	n.Days = DefaultNotifyDays
	if v := x.expand(field("days"), nf.Days); v != "" {
		d, err := strconv.Atoi(strings.TrimSpace(v))
		switch {
		case err != nil:
			add("days", fmt.Errorf("%q is not a whole number", v))
		case d < 1 || d > MaxNotifyDays:
			add("days", fmt.Errorf("%d is out of range (1 to %d)", d, MaxNotifyDays))
		default:
			n.Days = d
		}
	}
	return n, errs
}

// duration parses a Go duration (e.g. 30m) within the check interval
// bounds; empty means def.
func duration(v string, def time.Duration) (time.Duration, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return def, fmt.Errorf("%q is not a duration such as 30m", v)
	}
	if d < MinCheckInterval || d > MaxCheckInterval {
		return def, fmt.Errorf("%v is out of range (%v to %v)", d, MinCheckInterval, MaxCheckInterval)
	}
	return d, nil
}

// checkDatabaseURL checks the form of a PostgreSQL connection string
// without repeating it: it may hold a password.
func checkDatabaseURL(s string) error {
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		if u, err := url.Parse(s); err != nil || u.Host == "" && u.Query().Get("host") == "" {
			return errors.New("not a valid postgres:// URL")
		}
		return nil
	}
	if strings.Contains(s, "=") && !strings.Contains(s, "://") {
		return nil // keyword=value form
	}
	return errors.New("want a PostgreSQL connection string: postgres://user:password@host/db or host=… dbname=…")
}
