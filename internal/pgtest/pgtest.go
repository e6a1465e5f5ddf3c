// Package pgtest starts a throwaway PostgreSQL cluster for tests, with
// the initdb and pg_ctl of a local PostgreSQL installation, on a free
// loopback port in a temporary directory, and stops it at the end.
//
// Tests that call DSN are skipped when no PostgreSQL binaries are found,
// unless CAMPUSWEEK_POSTGRES_TESTS=required, when they fail instead (as in
// CI). The binaries are looked up in CAMPUSWEEK_POSTGRES_BIN, on PATH, then
// in Debian's /usr/lib/postgresql/*/bin. PostgreSQL refuses to run as
// root: as root the cluster runs as the user postgres.
package pgtest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// RequiredEnv, set to "required", makes a missing PostgreSQL a failure.
const RequiredEnv = "CAMPUSWEEK_POSTGRES_TESTS"

// BinEnv names the directory of initdb and pg_ctl.
const BinEnv = "CAMPUSWEEK_POSTGRES_BIN"

var (
	mu      sync.Mutex
	cluster *server
	started error // why the cluster could not start, once tried
	dbs     int
)

// Main runs the tests of a package that uses DSN and then stops the
// cluster: call it from TestMain as os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if cluster != nil {
		cluster.stop()
		cluster = nil
	}
	return code
}

// DSN returns the address of a new, empty database in the package's
// cluster, starting the cluster on first use. The caller's package must
// use Main to stop it.
func DSN(tb testing.TB) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if cluster == nil && started == nil {
		cluster, started = start()
	}
	if started != nil {
		if os.Getenv(RequiredEnv) == "required" {
			tb.Fatalf("PostgreSQL tests are required (%s=required): %v", RequiredEnv, started)
		}
		tb.Skipf("skipping the PostgreSQL tests: %v (install PostgreSQL, or set %s)", started, BinEnv)
	}
	dbs++
	name := fmt.Sprintf("test%d", dbs)
	db, err := sql.Open("pgx", cluster.dsn("postgres"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("creating a test database: %v", err)
	}
	return cluster.dsn(name)
}

type server struct {
	dir, bin, data string
	port           int
	asPostgres     bool
}

func (s *server) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// findBin returns the directory holding initdb and pg_ctl.
func findBin() (string, error) {
	if d := os.Getenv(BinEnv); d != "" {
		return d, nil
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// The newest version last; numeric order (9 < 15).
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return va - vb
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			return dirs[i], nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL binaries (initdb, pg_ctl) found")
}

func start() (*server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &server{bin: bin, asPostgres: os.Geteuid() == 0}
	s.dir, err = os.MkdirTemp("", "campusweek-pg-")
	if err != nil {
		return nil, err
	}
	if s.asPostgres {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(s.dir)
			return nil, fmt.Errorf("running as root needs the user postgres: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(s.dir, uid, gid); err != nil {
			os.RemoveAll(s.dir)
			return nil, err
		}
	}
	s.data = filepath.Join(s.dir, "data")
	if err := s.run("initdb", "-D", s.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	s.port, err = freePort()
	if err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c full_page_writes=off", s.port, s.dir)
	if err := s.run("pg_ctl", "-D", s.data, "-o", opts, "-l", filepath.Join(s.dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		os.RemoveAll(s.dir)
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return s, nil
}

func (s *server) stop() {
	_ = s.run("pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop")
	os.RemoveAll(s.dir)
}

// run runs a PostgreSQL program, as the user postgres when root.
func (s *server) run(name string, args ...string) error {
	prog := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.asPostgres {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	cmd.Dir = s.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out.Bytes())
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
