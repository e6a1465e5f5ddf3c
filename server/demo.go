package main

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/notify/push"
	mttsandbox "github.com/campusweek/campusweek/server/sandbox/mytimetable"
	usossandbox "github.com/campusweek/campusweek/server/sandbox/usos"
	"github.com/campusweek/campusweek/shared"
)

// demo is the built-in sandbox wiring: a USOS installation and a
// MyTimetable installation served by this very process, and the provider
// configurations pointing at them.
type demo struct {
	mounts    map[string]http.Handler // by path prefix, with a trailing slash
	providers []config.Provider
	// cleanup removes what the demo made on disk (the notifications
	// database).
	cleanup func()
}

const (
	demoUSOSPrefix = "/sandbox/usos"
	demoMTTPrefix  = "/sandbox/mytimetable"
)

// Change notifications in demo mode: checked every minute, so that a
// class changed on a sandbox's /changes page is notified within about
// one.
const (
	demoCheckInterval = time.Minute
	demoPollTick      = 10 * time.Second
)

// demoNotifications turns change notifications on for demo mode: fresh
// VAPID keys and a SQLite database in a new temporary directory, which
// the returned cleanup removes.
func demoNotifications() (*config.Notifications, func(), error) {
	keys, err := push.GenerateKeys()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "campusweek-demo-")
	if err != nil {
		return nil, nil, fmt.Errorf("demo notifications: %w", err)
	}
	return &config.Notifications{
		DataDir:            dir,
		VAPID:              keys,
		VAPIDContact:       "mailto:demo@campusweek.invalid",
		CheckInterval:      demoCheckInterval,
		TodayCheckInterval: demoCheckInterval,
		Days:               config.DefaultNotifyDays,
	}, func() { os.RemoveAll(dir) }, nil
}

func newDemo(cfg *config.Config, log *slog.Logger) (*demo, error) {
	if len(cfg.SessionKeys) == 0 {
		// Ephemeral keys: demo sessions do not survive a restart.
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		cfg.SessionKeys = [][]byte{key}
	}
	public := cfg.PublicURL.String()
	usosBase, err := config.ParseBaseURL(public + demoUSOSPrefix + "/")
	if err != nil {
		return nil, fmt.Errorf("demo sandbox base URL: %w", err)
	}
	mttBase, err := config.ParseBaseURL(public + demoMTTPrefix + "/")
	if err != nil {
		return nil, fmt.Errorf("demo sandbox base URL: %w", err)
	}
	// Fresh secrets every start: nothing to leak, nothing to configure.
	consumerSecret, clientSecret := rand.Text(), rand.Text()
	const usosID, mttID = "demo-usos", "demo-mytimetable"
	usosSandbox := usossandbox.New(usossandbox.Config{
		Prefix:    demoUSOSPrefix,
		Name:      "Sandbox University (USOS)",
		Consumers: map[string]string{"campusweek-demo": consumerSecret},
		Logger:    log.With("component", "sandbox-usos"),
	})
	mttSandbox := mttsandbox.New(mttsandbox.Config{
		Prefix: demoMTTPrefix,
		Name:   "Sandbox Hogeschool (MyTimetable)",
		Clients: map[string]mttsandbox.Client{"campusweek-demo": {
			Secret:       clientSecret,
			RedirectURIs: []string{public + shared.CallbackPath(mttID)},
		}},
		Logger: log.With("component", "sandbox-mytimetable"),
	})
	cleanup := func() {}
	if cfg.Notifications == nil {
		// Without a writable temporary directory the demo still runs,
		// without notifications.
		if n, rm, err := demoNotifications(); err != nil {
			log.Warn("demo mode without change notifications", "err", err)
		} else {
			cfg.Notifications, cleanup = n, rm
		}
	}
	return &demo{
		mounts: map[string]http.Handler{
			demoUSOSPrefix + "/": usosSandbox,
			demoMTTPrefix + "/":  mttSandbox,
		},
		cleanup: cleanup,
		providers: []config.Provider{{
			ID:             usosID,
			Kind:           shared.KindUSOS,
			Name:           "Sandbox University (USOS)",
			BaseURL:        usosBase,
			ConsumerKey:    "campusweek-demo",
			ConsumerSecret: consumerSecret,
			Scopes:         []string{"studies"},
		}, {
			ID:           mttID,
			Kind:         shared.KindMyTimetable,
			Name:         "Sandbox Hogeschool (MyTimetable)",
			BaseURL:      mttBase,
			ClientID:     "campusweek-demo",
			ClientSecret: clientSecret,
			Scopes:       []string{"user_read", "profile_read"},
		}},
	}, nil
}

// defaultPublicURL derives the browser-facing origin from the listen
// address, for local use. A wildcard address (a container listening on
// 0.0.0.0) is reached as loopback from the machine that runs it.
func defaultPublicURL(listen string) *url.URL {
	host, port, err := net.SplitHostPort(listen)
	if err == nil {
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			listen = net.JoinHostPort("127.0.0.1", port)
		}
	}
	return &url.URL{Scheme: "http", Host: listen}
}
