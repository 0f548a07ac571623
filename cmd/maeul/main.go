// Command maeul runs the village-assembly service and its admin commands.
// It only wires the packages together; the work happens in them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/account"
	"maeul/database"
	"maeul/i18n"
	"maeul/result"
)

const usage = `maeul — village assemblies for Seoul's citizen participatory budget

  maeul serve   [--addr 127.0.0.1:8080] [--demo]   start the service (the default)
  maeul migrate                                     apply pending migrations, then exit
  maeul user add --email E --password P --role city|district|dong|department|finance|monitor [--district 마포구] [--dong 성산1동] [--department 공원녹지과]
  maeul token create --email E [--days 90]          print a new API token (shown once, alone on the first line);
                                                    it expires after --days days (0: never)
  maeul token list --email E                        list a host's tokens (id, created, last used, expires, state)
  maeul token revoke --id N                         revoke a token: it answers 401 from then on
  maeul recount FILE.pb                             recount a Pabulib export and print the result
  maeul rehearse --assembly SLUG --phones N --minutes M [--url URL] --token T
                                                    rehearse on a running service with simulated phones

Environment: DATABASE_URL, MAEUL_ADDR, MAEUL_BASE_URL, MAEUL_DATA.
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "maeul:", oneLine(err))
		}
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		cfg, err := parseServe(args)
		if err != nil {
			return err
		}
		return serve(ctx, cfg)
	case "migrate":
		return withDB(ctx, args, func(pool *pgxpool.Pool, log *slog.Logger) error {
			if err := database.Migrate(ctx, pool, slog.New(slog.NewTextHandler(os.Stdout, nil))); err != nil {
				return err
			}
			fmt.Println("the database schema is up to date")
			return nil
		})
	case "user":
		if len(args) == 0 || args[0] != "add" {
			return errors.New("usage: maeul user add --email E --password P --role city|district|dong|department|finance|monitor [--district D] [--dong D] [--department D]")
		}
		fs := flag.NewFlagSet("user add", flag.ContinueOnError)
		var n account.NewUser
		fs.StringVar(&n.Email, "email", "", "email")
		fs.StringVar(&n.Password, "password", "", "password")
		fs.StringVar(&n.Role, "role", "", strings.Join(account.Roles, ", "))
		fs.StringVar(&n.District, "district", "", "district (구)")
		fs.StringVar(&n.Dong, "dong", "", "dong (동)")
		fs.StringVar(&n.Department, "department", "", "department (부서), for --role department")
		anyDistrict := fs.Bool("any-district", false, "accept a district outside Seoul's 25 자치구 (for tests and other cities)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if n.Role != account.RoleCity && n.Role != account.RoleFinance && !*anyDistrict && !account.IsSeoulDistrict(strings.TrimSpace(n.District)) {
			return fmt.Errorf("--district %q is not one of Seoul's 25 districts (e.g. 마포구; --any-district to accept it anyway)", n.District)
		}
		return withDB(ctx, nil, func(pool *pgxpool.Pool, log *slog.Logger) error {
			if err := database.CheckSchema(ctx, pool, false); err != nil {
				return err
			}
			u, err := account.NewService(pool).AddUser(ctx, n)
			if err != nil {
				return err
			}
			fmt.Printf("added %s (%s %s %s%s)\n", u.Email, u.Role, u.District, u.Dong, u.Department)
			return nil
		})
	case "token":
		return tokenCommand(ctx, args)
	case "recount":
		if len(args) != 1 {
			return errors.New("usage: maeul recount FILE.pb")
		}
		return result.RecountFile(os.Stdout, args[0])
	case "rehearse":
		return rehearse(ctx, args)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q (try `maeul help`)", cmd)
}

// withDB opens the configured database (or the private cluster) for an
// admin command, and closes it after.
func withDB(ctx context.Context, args []string, f func(*pgxpool.Pool, *slog.Logger) error) error {
	fs := flag.NewFlagSet("db", flag.ContinueOnError)
	dsn := fs.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL (DATABASE_URL)")
	dataDir := fs.String("data", "", "private cluster folder (MAEUL_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Admin commands speak only when something is wrong.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	pool, cluster, err := openDB(ctx, *dsn, *dataDir, log)
	if err != nil {
		return err
	}
	defer cluster.Stop()
	defer pool.Close()
	return f(pool, log)
}

// openDB connects to DATABASE_URL, or starts the private cluster and
// creates its database.
func openDB(ctx context.Context, dsn, dataDir string, log *slog.Logger) (*pgxpool.Pool, *database.Cluster, error) {
	var cluster *database.Cluster
	if dsn == "" {
		if dataDir == "" {
			dataDir = database.DefaultDataDir()
		}
		t := time.Now()
		c, err := database.StartCluster(ctx, database.ClusterOptions{Dir: dataDir, Log: log})
		if err != nil {
			return nil, nil, err
		}
		cluster = c
		log.Info("private PostgreSQL cluster started", "dir", c.Dir, "ms", time.Since(t).Milliseconds())
		if err := ensureDatabase(ctx, c.DSN("postgres"), "maeul"); err != nil {
			c.Stop()
			return nil, nil, err
		}
		dsn = c.DSN("maeul")
	}
	pool, err := database.Open(ctx, dsn)
	if err != nil {
		cluster.Stop()
		return nil, nil, err
	}
	return pool, cluster, nil
}

func ensureDatabase(ctx context.Context, adminDSN, name string) error {
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	}
	return err
}

// oneLine makes an error fit on one line, in Korean where it is ours.
func oneLine(err error) string {
	var me *maeul.Error
	if errors.As(err, &me) {
		s := i18n.T("ko", me.Key, me.Args...)
		if me.Field != "" {
			s += " (" + me.Field + ")"
		}
		return s
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
