// Package database opens the PostgreSQL pool, starts the private cluster
// when no DATABASE_URL is given, and applies the embedded migrations.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"maeul/migrations"
)

// Open connects a pool and checks that the server answers.
func Open(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL or key=value string: %v", err)
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Seoul"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL: %v", err)
	}
	return pool, nil
}

func provider(pool *pgxpool.Pool) (*goose.Provider, *sql.DB, error) {
	db := stdlib.OpenDBFromPool(pool)
	sub, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		return nil, nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return p, db, nil
}

// Migrate applies every pending migration, each in its own transaction.
// It refuses a database whose schema is newer than this binary knows.
func Migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	if err := CheckSchema(ctx, pool, false); err != nil && !errors.Is(err, ErrSchemaBehind) {
		return err
	}
	p, db, err := provider(pool)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		if log != nil {
			log.Info("applied migration", "version", r.Source.Version, "file", r.Source.Path, "ms", r.Duration.Milliseconds())
		}
	}
	return nil
}

// ErrSchemaBehind says migrations are pending.
var ErrSchemaBehind = errors.New("the database schema is older than this binary: run `maeul migrate`")

// CheckSchema compares the database's applied migrations with the embedded
// ones. It returns an error when the database holds a version this binary does
// not know (a newer binary migrated it), and ErrSchemaBehind when some are
// pending (unless allowBehind).
func CheckSchema(ctx context.Context, pool *pgxpool.Pool, allowBehind bool) error {
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return err
	}
	p, db, err := provider(pool)
	if err != nil {
		return err
	}
	defer db.Close()
	known := map[int64]bool{}
	var latest int64
	for _, s := range p.ListSources() {
		known[s.Version] = true
		latest = max(latest, s.Version)
	}
	if !exists {
		if allowBehind {
			return nil
		}
		return ErrSchemaBehind
	}
	rows, err := pool.Query(ctx, `SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0`)
	if err != nil {
		return err
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, v := range applied {
		if !known[v] {
			return fmt.Errorf("the database has schema version %d, which this binary does not know (it knows up to %d): run a newer maeul", v, latest)
		}
		have[v] = true
	}
	if len(have) < len(known) && !allowBehind {
		return ErrSchemaBehind
	}
	return nil
}

// IsUnavailable reports whether err means the database cannot be reached
// (as opposed to a query that the database refused).
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P: operator intervention (shutdown).
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) {
		return true
	}
	return pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "closed pool") ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "failed to connect")
}

// IsUniqueViolation reports whether err is a unique-constraint violation,
// optionally of the named constraint.
func IsUniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && (constraint == "" || pe.ConstraintName == constraint)
}

// PgCode returns the SQLSTATE of err, or "".
func PgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
