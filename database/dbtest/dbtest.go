// Package dbtest gives each test its own PostgreSQL database, cloned from a
// migrated template, on one private cluster per test binary (data in
// /dev/shm, fsync off). When no PostgreSQL can be had the test fails: a
// skipped test would pass without testing anything.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
// With DATABASE_URL set, that server is used instead of a private cluster
// (the user needs CREATEDB).
package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul/database"
)

const template = "maeul_template"

var (
	once     sync.Once
	setup    error
	cluster  *database.Cluster
	tmpDir   string
	adminDSN string
	dsnFor   func(db string) string
	counter  atomic.Int64
)

// Main runs the tests and stops the private cluster afterwards.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the private cluster, if one was started.
func Stop() {
	if cluster != nil {
		cluster.Stop()
		cluster = nil
	}
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
		tmpDir = ""
	}
}

func start() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if url := os.Getenv("DATABASE_URL"); url != "" {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return err
		}
		adminDSN = url
		dsnFor = func(db string) string {
			c := cfg.Copy()
			return fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=%s sslmode=disable", c.Host, c.Port, c.User, c.Password, db)
		}
	} else {
		base := "/dev/shm"
		if st, err := os.Stat(base); err != nil || !st.IsDir() {
			base = os.TempDir()
		}
		dir, err := os.MkdirTemp(base, "maeul-test-")
		if err != nil {
			return err
		}
		os.Chmod(dir, 0o755)
		tmpDir = dir
		c, err := database.StartCluster(ctx, database.ClusterOptions{Dir: filepath.Join(dir, "pg"), NoFsync: true})
		if err != nil {
			return err
		}
		cluster = c
		adminDSN = c.DSN("postgres")
		dsnFor = c.DSN
	}
	admin, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("%s_%d", template, os.Getpid())
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	pool, err := database.Open(ctx, dsnFor(name))
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := database.Migrate(ctx, pool, nil); err != nil {
		return err
	}
	return nil
}

func templateName() string { return fmt.Sprintf("%s_%d", template, os.Getpid()) }

// DB is one test's database.
type DB struct {
	Pool *pgxpool.Pool
	DSN  string // connection string for other processes (e.g. the real binary)
	Name string
}

// MustOpenDB returns a fresh migrated database for this test, dropped when
// the test ends.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	once.Do(func() { setup = start() })
	if setup != nil {
		tb.Fatalf("dbtest: no PostgreSQL for the tests (install postgresql-15 or set DATABASE_URL): %v", setup)
	}
	ctx := context.Background()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), counter.Add(1))
	admin, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", name, templateName())); err != nil {
		tb.Fatalf("dbtest: clone template: %v", err)
	}
	dsn := dsnFor(name)
	pool, err := database.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	tb.Cleanup(func() {
		pool.Close()
		c, err := pgx.Connect(context.Background(), adminDSN)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return &DB{Pool: pool, DSN: dsn, Name: name}
}
