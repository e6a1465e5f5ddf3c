package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/notify/push"
	"github.com/campusweek/campusweek/server/provider/registry"
)

const minimal = `
session_keys: ["` + key32 + `"]
providers:
  - {id: uw, kind: usos, name: UW, base_url: "https://usos.example.edu", consumer_key: k, consumer_secret: s}
`

func TestNotificationsAbsent(t *testing.T) {
	c, err := config.Parse([]byte(minimal), env(nil), registry.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	if c.Notifications != nil {
		t.Errorf("without a notifications section: %+v, want nil (stateless)", c.Notifications)
	}
}

func TestNotifications(t *testing.T) {
	keys, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	vars := env(map[string]string{"VAPID_PRIVATE_KEY": keys.Private, "DATABASE_URL": "postgres://cw:secret@db.internal:5432/campusweek?sslmode=require"})

	c, err := config.Parse([]byte(minimal+`
notifications:
  data_dir: /var/lib/campusweek/
  vapid_private_key: ${VAPID_PRIVATE_KEY}
  vapid_contact: mailto:ops@example.edu
`), vars, registry.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	want := config.Notifications{
		DataDir: "/var/lib/campusweek", VAPID: keys, VAPIDContact: "mailto:ops@example.edu",
		CheckInterval: 30 * time.Minute, TodayCheckInterval: 10 * time.Minute, Days: 14,
	}
	if *c.Notifications != want {
		t.Errorf("defaults: %+v\nwant %+v", *c.Notifications, want)
	}

	c, err = config.Parse([]byte(minimal+`
notifications:
  database_url: ${DATABASE_URL}
  vapid_public_key: `+keys.Public+`
  vapid_private_key: ${VAPID_PRIVATE_KEY}
  vapid_contact: https://tt.example.edu/contact
  check_interval: 1h
  today_check_interval: 15m
  days: "7"
`), vars, registry.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	n := c.Notifications
	if n.DatabaseURL != "postgres://cw:secret@db.internal:5432/campusweek?sslmode=require" || n.DataDir != "" ||
		n.CheckInterval != time.Hour || n.TodayCheckInterval != 15*time.Minute || n.Days != 7 || n.VAPID != keys {
		t.Errorf("PostgreSQL: %+v", n)
	}
}

func TestNotificationsErrors(t *testing.T) {
	keys, _ := push.GenerateKeys()
	other, _ := push.GenerateKeys()
	for _, tc := range []struct {
		section string
		want    []string
	}{
		{`{}`, []string{"notifications.data_dir: required", "notifications.vapid_private_key: required", "notifications.vapid_contact: required"}},
		{`{data_dir: /d, database_url: "postgres://h/db", vapid_private_key: ` + keys.Private + `, vapid_contact: "mailto:a@b"}`,
			[]string{"notifications.data_dir: not used with database_url"}},
		{`{database_url: "mysql://u:hunter2@h/db", vapid_private_key: ` + keys.Private + `, vapid_contact: "mailto:a@b"}`,
			[]string{"notifications.database_url: want a PostgreSQL connection string"}},
		{`{data_dir: /d, vapid_public_key: ` + other.Public + `, vapid_private_key: ` + keys.Private + `, vapid_contact: "mailto:a@b"}`,
			[]string{"notifications.vapid_private_key: push: the VAPID public key is not the private key's"}},
		{`{data_dir: /d, vapid_private_key: "c2hvcnQ", vapid_contact: "ops@example.edu"}`,
			[]string{"notifications.vapid_private_key: push: the VAPID private key is not a P-256 private key", "notifications.vapid_contact: push: contact \"ops@example.edu\" is neither"}},
		{`{data_dir: /d, vapid_private_key: ` + keys.Private + `, vapid_contact: "mailto:a@b", check_interval: 1m, today_check_interval: soon, days: 60}`,
			[]string{"notifications.check_interval: 1m0s is out of range", "notifications.today_check_interval: \"soon\" is not a duration", "notifications.days: 60 is out of range"}},
		{`{data_dir: /d, vapid_private_key: ` + keys.Private + `, vapid_contact: "mailto:a@b", check_interval: 10m, today_check_interval: 20m}`,
			[]string{"notifications.today_check_interval: 20m0s is longer than check_interval"}},
		{`{data_dir: /d, vapid_private_key: "${NOPE}", vapid_contact: "mailto:a@b"}`,
			[]string{"notifications.vapid_private_key: environment variable NOPE is not set"}},
		{`{data_dir: /d, vapid_private_key: ` + keys.Private + `, vapid_contact: "mailto:a@b", retention: 3}`,
			[]string{"field retention not found"}},
	} {
		_, err := config.Parse([]byte(minimal+"notifications: "+tc.section+"\n"), env(nil), registry.Kinds())
		if err == nil {
			t.Errorf("%s: no error", tc.section)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.section, err, w)
			}
		}
		// Secrets are never repeated in errors.
		for _, secret := range []string{keys.Private, "hunter2"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: error repeats a secret: %q", tc.section, err)
			}
		}
	}
}
