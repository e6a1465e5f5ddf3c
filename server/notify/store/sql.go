package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"golang.org/x/crypto/chacha20poly1305"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/campusweek/campusweek/server/seal"
)

//go:embed migrations
var migrations embed.FS

// FileName is the SQLite database's file name in the data directory.
const FileName = "notifications.db"

// Options say which database to open.
type Options struct {
	// DSN is a PostgreSQL connection string (postgres://… or key=value);
	// empty means SQLite in Dir.
	DSN string
	// Dir is the data directory of the SQLite database, created (0700)
	// if missing.
	Dir string
	// Sealer seals and opens the secrets of each row: the session keys.
	Sealer *seal.Sealer
	// Logger logs rows dropped because no key opens them; nil discards.
	Logger *slog.Logger
}

// Open opens the database that opts name and brings its schema up to date.
// With SQLite only one server may use the file: the leases keep pollers
// of one process apart, not processes.
func Open(ctx context.Context, opts Options) (Store, error) {
	if opts.Sealer == nil {
		return nil, errors.New("store: a sealer is required")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &sqlStore{sealer: opts.Sealer, log: log}
	var err error
	if opts.DSN != "" {
		s.kind = Postgres
		s.db, err = sql.Open("pgx", opts.DSN)
	} else {
		s.kind = SQLite
		s.db, err = openSQLite(opts.Dir)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(dir string) (*sql.DB, error) {
	if dir == "" {
		return nil, errors.New("store: a data directory is required")
	}
	if strings.Contains(dir, "?") {
		return nil, fmt.Errorf("store: data directory %q: must not contain '?'", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errorf("data directory", err)
	}
	path := filepath.Join(dir, FileName)
	// Create the file readable by its owner only; SQLite gives its journal
	// files the database file's mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, errorf("database file", err)
	}
	f.Close()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return nil, errorf("open "+path, err)
	}
	// One connection: SQLite writes one at a time anyway, and this way a
	// transaction never meets a busy database.
	db.SetMaxOpenConns(1)
	return db, nil
}

// migrate runs the embedded migrations of the dialect. With PostgreSQL a
// session lock keeps replicas starting together from racing.
func (s *sqlStore) migrate(ctx context.Context) error {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.kind == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return errorf("migration lock", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return errorf("migrations", err)
	}
	p, err := goose.NewProvider(dialect, s.db, fsys, opts...)
	if err != nil {
		return errorf("migrations", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return errorf("migrate "+string(s.kind), err)
	}
	return nil
}

type sqlStore struct {
	kind   Kind
	db     *sql.DB
	sealer *seal.Sealer
	log    *slog.Logger
}

// q adapts a query written with PostgreSQL's $N placeholders to the
// dialect: SQLite's are ?N.
func (s *sqlStore) q(query string) string {
	if s.kind == SQLite {
		return strings.ReplaceAll(query, "$", "?")
	}
	return query
}

const columns = `id, owner, provider, language, reminders_minutes, sealed, snapshot,
	created_at, expires_at, next_check, failures, lease_token`

// secret is what a row seals: everything that identifies the student to
// a third party or grants access, and the key of the snapshot.
type secret struct {
	Push   Push            `json:"p"`
	Access json.RawMessage `json:"a,omitempty"`
	Key    []byte          `json:"k"`
}

// sealPurpose binds a row's seal to its id, so that one row's secrets
// cannot be copied into another.
func sealPurpose(id string) string { return "notification " + id }

func snapshotAD(id string) []byte { return []byte("notification snapshot " + id) }

// sealRow returns the sealed column and the encrypted snapshot of sub,
// with key as the snapshot's key (a new one if nil).
func (s *sqlStore) sealRow(sub *Subscription, key []byte) (string, []byte, error) {
	if key == nil {
		key = make([]byte, chacha20poly1305.KeySize)
		if _, err := rand.Read(key); err != nil {
			return "", nil, errorf("snapshot key", err)
		}
	}
	sealed, err := s.sealer.Seal(sealPurpose(sub.ID), secret{Push: sub.Push, Access: sub.Access, Key: key}, sub.Expires)
	if err != nil {
		return "", nil, errorf("seal", err)
	}
	if len(sealed) > seal.MaxSealedLen {
		return "", nil, fmt.Errorf("store: the push subscription and access take %d bytes sealed, more than %d", len(sealed), seal.MaxSealedLen)
	}
	var snap []byte
	if sub.Snapshot != nil {
		aead, err := chacha20poly1305.NewX(key)
		if err != nil {
			return "", nil, errorf("snapshot key", err)
		}
		snap = make([]byte, aead.NonceSize(), aead.NonceSize()+len(sub.Snapshot)+aead.Overhead())
		if _, err := rand.Read(snap); err != nil {
			return "", nil, errorf("snapshot nonce", err)
		}
		snap = aead.Seal(snap, snap, sub.Snapshot, snapshotAD(sub.ID))
	}
	sub.key = key
	return sealed, snap, nil
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// row is a row as stored.
type row struct {
	sub    Subscription
	sealed string
	snap   []byte
}

func scanRow(sc scanner) (*row, error) {
	var r row
	var created, expires, next int64
	err := sc.Scan(&r.sub.ID, &r.sub.Owner, &r.sub.Provider, &r.sub.Language, &r.sub.RemindersMinutes,
		&r.sealed, &r.snap, &created, &expires, &next, &r.sub.Failures, &r.sub.lease)
	if err != nil {
		return nil, err
	}
	r.sub.Created, r.sub.Expires, r.sub.NextCheck = unix(created), unix(expires), unix(next)
	return &r, nil
}

// open decrypts r's secrets. Its errors wrap seal.ErrInvalid or
// seal.ErrExpired when the row can never be opened with these keys.
func (s *sqlStore) open(r *row) (*Subscription, error) {
	var sec secret
	if err := s.sealer.Open(sealPurpose(r.sub.ID), r.sealed, &sec); err != nil {
		return nil, fmt.Errorf("store: subscription %s: %w", r.sub.ID, err)
	}
	sub := r.sub
	sub.Push, sub.Access, sub.key = sec.Push, sec.Access, sec.Key
	if r.snap != nil {
		aead, err := chacha20poly1305.NewX(sec.Key)
		if err != nil {
			return nil, fmt.Errorf("store: subscription %s: snapshot key: %w", sub.ID, seal.ErrInvalid)
		}
		ns := aead.NonceSize()
		if len(r.snap) < ns {
			return nil, fmt.Errorf("store: subscription %s: snapshot: %w", sub.ID, seal.ErrInvalid)
		}
		sub.Snapshot, err = aead.Open(nil, r.snap[:ns], r.snap[ns:], snapshotAD(sub.ID))
		if err != nil {
			return nil, fmt.Errorf("store: subscription %s: snapshot: %w", sub.ID, seal.ErrInvalid)
		}
	}
	return &sub, nil
}

func unix(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func (s *sqlStore) Put(ctx context.Context, sub *Subscription) error {
	if err := validate(sub); err != nil {
		return err
	}
	if sub.Created.IsZero() {
		sub.Created = time.Now()
	}
	sealed, snap, err := s.sealRow(sub, nil)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return errorf("put", err)
	}
	defer tx.Rollback()
	hash := endpointHash(sub.Push.Endpoint)
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM subscriptions WHERE endpoint_hash = $1 AND id <> $2`), hash, sub.ID); err != nil {
		return errorf("put", err)
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO subscriptions
		(id, owner, endpoint_hash, provider, language, reminders_minutes, sealed, snapshot,
		 created_at, expires_at, next_check, failures, lease_until, lease_token)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, '')
		ON CONFLICT (id) DO UPDATE SET
		 owner = excluded.owner, endpoint_hash = excluded.endpoint_hash, provider = excluded.provider,
		 language = excluded.language, reminders_minutes = excluded.reminders_minutes,
		 sealed = excluded.sealed, snapshot = excluded.snapshot, created_at = excluded.created_at,
		 expires_at = excluded.expires_at, next_check = excluded.next_check, failures = excluded.failures,
		 lease_until = 0, lease_token = ''`),
		sub.ID, sub.Owner, hash, sub.Provider, sub.Language, sub.RemindersMinutes, sealed, snap,
		unixOf(sub.Created), unixOf(sub.Expires), unixOf(sub.NextCheck), sub.Failures)
	if err != nil {
		return errorf("put", err)
	}
	if err := tx.Commit(); err != nil {
		return errorf("put", err)
	}
	sub.lease = ""
	return nil
}

func (s *sqlStore) Get(ctx context.Context, id string) (*Subscription, error) {
	r, err := scanRow(s.db.QueryRowContext(ctx, s.q(`SELECT `+columns+` FROM subscriptions WHERE id = $1`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errorf("get", err)
	}
	sub, err := s.open(r)
	if err != nil {
		return nil, err
	}
	sub.lease = ""
	return sub, nil
}

func (s *sqlStore) Delete(ctx context.Context, id string) (bool, error) {
	n, err := s.exec(ctx, "delete", `DELETE FROM subscriptions WHERE id = $1`, id)
	return n > 0, err
}

func (s *sqlStore) DeleteOwner(ctx context.Context, owner string) (int, error) {
	return s.exec(ctx, "delete owner", `DELETE FROM subscriptions WHERE owner = $1`, owner)
}

func (s *sqlStore) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	return s.exec(ctx, "delete expired", `DELETE FROM subscriptions WHERE expires_at <= $1`, now.Unix())
}

func (s *sqlStore) exec(ctx context.Context, what, query string, args ...any) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return 0, errorf(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, errorf(what, err)
	}
	return int(n), nil
}

func (s *sqlStore) Lease(ctx context.Context, now time.Time, limit int, d time.Duration) ([]*Subscription, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.lease(ctx, now, limit, d)
	if err != nil {
		return nil, errorf("lease", err)
	}
	subs := make([]*Subscription, 0, len(rows))
	for _, r := range rows {
		sub, err := s.open(r)
		if errors.Is(err, seal.ErrInvalid) || errors.Is(err, seal.ErrExpired) {
			// No configured key opens it (or it expired with its seal):
			// nobody can ever use it again.
			s.log.WarnContext(ctx, "deleting a notification subscription that no session key opens", "id", r.sub.ID, "err", err)
			if _, err := s.Delete(ctx, r.sub.ID); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		subs = append(subs, sub)
	}
	return subs, nil
}

// lease marks the due rows leased in one transaction. With PostgreSQL,
// FOR UPDATE SKIP LOCKED lets concurrent pollers each take other rows
// instead of waiting; SQLite runs one transaction at a time.
func (s *sqlStore) lease(ctx context.Context, now time.Time, limit int, d time.Duration) ([]*row, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	query := `SELECT id FROM subscriptions
		WHERE next_check <= $1 AND lease_until <= $1 AND expires_at > $1
		ORDER BY next_check, id LIMIT $2`
	if s.kind == Postgres {
		query += ` FOR UPDATE SKIP LOCKED`
	}
	idRows, err := tx.QueryContext(ctx, s.q(query), now.Unix(), limit)
	if err != nil {
		return nil, err
	}
	var ids []any
	for idRows.Next() {
		var id string
		if err := idRows.Scan(&id); err != nil {
			idRows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := idRows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	token := randomString(12)
	args := append([]any{now.Add(d).Unix(), token}, ids...)
	in := make([]string, len(ids))
	for i := range ids {
		in[i] = fmt.Sprintf("$%d", i+3)
	}
	rs, err := tx.QueryContext(ctx, s.q(`UPDATE subscriptions SET lease_until = $1, lease_token = $2
		WHERE id IN (`+strings.Join(in, ", ")+`) RETURNING `+columns), args...)
	if err != nil {
		return nil, err
	}
	var out []*row
	for rs.Next() {
		r, err := scanRow(rs)
		if err != nil {
			rs.Close()
			return nil, err
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *sqlStore) Update(ctx context.Context, sub *Subscription) error {
	if sub.lease == "" || sub.key == nil {
		return errors.New("store: update of a subscription that was not leased")
	}
	if sub.Expires.IsZero() {
		return errors.New("store: subscription without an expiry")
	}
	// Sealed again with the first key: rows move to a new key as they are
	// checked.
	sealed, snap, err := s.sealRow(sub, sub.key)
	if err != nil {
		return err
	}
	n, err := s.exec(ctx, "update", `UPDATE subscriptions SET language = $1, reminders_minutes = $2, sealed = $3,
		snapshot = $4, expires_at = $5, next_check = $6, failures = $7, lease_until = 0, lease_token = ''
		WHERE id = $8 AND lease_token = $9`,
		sub.Language, sub.RemindersMinutes, sealed, snap, unixOf(sub.Expires), unixOf(sub.NextCheck), sub.Failures,
		sub.ID, sub.lease)
	if err != nil {
		return err
	}
	if n == 0 {
		var one int
		err := s.db.QueryRowContext(ctx, s.q(`SELECT 1 FROM subscriptions WHERE id = $1`), sub.ID).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return errorf("update", err)
		}
		return ErrLeaseLost
	}
	sub.lease = ""
	return nil
}

func (s *sqlStore) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscriptions`).Scan(&n); err != nil {
		return 0, errorf("count", err)
	}
	return n, nil
}

func (s *sqlStore) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return errorf("ping", err)
	}
	return nil
}

func (s *sqlStore) Close() error { return s.db.Close() }
