package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"maeul/database"
	"maeul/secret"
	"maeul/server"
)

// secretFile is where the service secret lives: MAEUL_SECRET_FILE, or
// "secret" beside the private cluster's folder (not inside it: a copy of
// the database's folder must not carry its secret), also when DATABASE_URL
// points elsewhere.
func secretFile(cfg Config) string {
	if cfg.SecretFile != "" {
		return cfg.SecretFile
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = database.DefaultDataDir()
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return filepath.Join(filepath.Dir(abs), "secret")
}

// serve runs the service until ctx is cancelled (SIGINT/SIGTERM), then
// shuts down gracefully: websockets closed, requests drained, pool closed,
// the private cluster stopped.
func serve(ctx context.Context, cfg Config) error {
	var h slog.Handler = slog.NewTextHandler(os.Stderr, nil)
	if cfg.LogJSON {
		h = slog.NewJSONHandler(os.Stderr, nil)
	}
	log := slog.New(h)
	// Listen first: a port already taken fails before the database starts.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v (set MAEUL_ADDR or --addr)", cfg.Addr, err)
	}
	defer ln.Close()
	pool, cluster, err := openDB(ctx, cfg.DatabaseURL, cfg.DataDir, log)
	if err != nil {
		return err
	}
	defer cluster.Stop()
	defer pool.Close()
	if err := database.Migrate(ctx, pool, log); err != nil {
		return err
	}
	if err := database.CheckSchema(ctx, pool, false); err != nil {
		return err
	}
	key, err := secret.LoadOrCreate(secretFile(cfg))
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{BaseURL: cfg.BaseURL, Log: log,
		TrustedProxies: cfg.TrustedProxies, MetricsToken: cfg.MetricsToken, Secret: key, MixK: cfg.MixK}, pool)
	if err != nil {
		return err
	}
	if cfg.MixK < 10 {
		log.Warn("ballots are mixed in groups smaller than 10: a ballot hides among fewer others (MAEUL_MIX_K)", "k", cfg.MixK)
	}
	srv.Start(ctx)
	if cfg.Demo {
		if err := loadDemo(ctx, srv, cfg, os.Stdout); err != nil {
			srv.Close()
			return fmt.Errorf("demo: %w", err)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("maeul is listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL)
	select {
	case err := <-errc:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := srv.Close(); err != nil {
		log.Warn("shutdown", "err", err)
	}
	return nil
}
