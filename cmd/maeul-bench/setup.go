package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul/account"
	"maeul/database"
	"maeul/secret"
	"maeul/server"
)

// benchDB is a private PostgreSQL cluster with fsync on in a temporary
// folder, with one migrated database: what every benchmark starts from.
type benchDB struct {
	Dir        string // the temporary folder (removed by Close)
	DSN        string
	Pool       *pgxpool.Pool
	Fsync      string // as the server reports it
	SyncCommit string
	cluster    *database.Cluster
}

// startBenchDB starts the cluster and creates and migrates database name.
func startBenchDB(ctx context.Context, prefix, name string) (*benchDB, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	os.Chmod(dir, 0o755)
	b := &benchDB{Dir: dir}
	fmt.Fprintln(os.Stderr, "starting a private PostgreSQL cluster (fsync on) in", dir)
	if b.cluster, err = database.StartCluster(ctx, database.ClusterOptions{Dir: filepath.Join(dir, "pg")}); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := b.create(ctx, name); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *benchDB) create(ctx context.Context, name string) error {
	admin, err := pgx.Connect(ctx, b.cluster.DSN("postgres"))
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	admin.QueryRow(ctx, `SHOW fsync`).Scan(&b.Fsync)
	admin.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&b.SyncCommit)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		return err
	}
	b.DSN = b.cluster.DSN(name)
	if b.Pool, err = database.Open(ctx, b.DSN); err != nil {
		return err
	}
	return database.Migrate(ctx, b.Pool, nil)
}

// Close closes the pool, stops the cluster and removes the folder.
func (b *benchDB) Close() {
	if b.Pool != nil {
		b.Pool.Close()
	}
	b.cluster.Stop()
	os.RemoveAll(b.Dir)
}

// startBenchServer runs the real service (server.New, as `maeul serve`
// does) in this process on 127.0.0.1:0, with the bench's dong host, and
// returns it, its base URL and the host's API token. Close the server.
func startBenchServer(ctx context.Context, pool *pgxpool.Pool) (*server.Server, string, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", "", err
	}
	base := "http://" + ln.Addr().String()
	srv, err := server.New(server.Config{BaseURL: base, Log: slog.New(slog.DiscardHandler), Secret: secret.New()}, pool)
	if err != nil {
		ln.Close()
		return nil, "", "", err
	}
	srv.Start(ctx)
	go srv.Serve(ln)
	st := account.NewService(pool)
	if _, err := st.AddUser(ctx, account.NewUser{Email: "bench@maeul.local", Password: "bench-password-1",
		Role: account.RoleDong, District: "마포구", Dong: "성산1동"}); err != nil {
		srv.Close()
		return nil, "", "", err
	}
	token, err := st.CreateToken(ctx, "bench@maeul.local")
	if err != nil {
		srv.Close()
		return nil, "", "", err
	}
	return srv, base, token, nil
}
