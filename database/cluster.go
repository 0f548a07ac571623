package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a private PostgreSQL server started from the machine's installed
// binaries, listening on a unix socket in its data folder only. It is the
// embedded default when DATABASE_URL is not set.
type Cluster struct {
	Dir  string // data folder; the socket lives here too
	cmd  *exec.Cmd
	done chan struct{}
	log  *slog.Logger
}

// ClusterOptions tune a private cluster. Tests turn durability off.
type ClusterOptions struct {
	Dir     string
	NoFsync bool
	Log     *slog.Logger
}

// ErrNoPostgres says how to get the binaries when none are installed.
var ErrNoPostgres = errors.New("PostgreSQL binaries not found: install them with `apt-get install postgresql-15` or set DATABASE_URL")

// FindBinaries returns the bin folder of the newest installed PostgreSQL.
func FindBinaries() (string, error) {
	if d := os.Getenv("MAEUL_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoPostgres
}

func pgMajor(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// DefaultDataDir is where the service keeps its private cluster.
func DefaultDataDir() string {
	if d := os.Getenv("MAEUL_DATA"); d != "" {
		return d
	}
	if os.Geteuid() == 0 {
		return "/var/lib/maeul/postgres"
	}
	if d, err := os.UserHomeDir(); err == nil {
		return filepath.Join(d, ".local", "share", "maeul", "postgres")
	}
	return filepath.Join(os.TempDir(), "maeul-postgres")
}

// StartCluster initialises the data folder if it is empty, starts postgres
// and waits until it accepts connections. As root it runs postgres as the
// `postgres` user, since PostgreSQL refuses to run as root.
func StartCluster(ctx context.Context, o ClusterOptions) (*Cluster, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	if len(dir) > 90 {
		return nil, fmt.Errorf("data folder path %q is too long for a unix socket: use a shorter MAEUL_DATA", dir)
	}
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	// Parents readable by others (the postgres user must pass through them),
	// the data folder itself private to postgres.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
		// The postgres user must be able to reach its folder.
		for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
			if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o001 == 0 {
				return nil, fmt.Errorf("folder %s is not reachable by the postgres user: choose another MAEUL_DATA", p)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		t := time.Now()
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", dir, "-U", "postgres",
			"--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions")
		if o.NoFsync {
			cmd.Args = append(cmd.Args, "--no-sync")
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initdb: %v: %s", err, lastLine(out))
		}
		log.Info("initialised private PostgreSQL cluster", "dir", dir, "ms", time.Since(t).Milliseconds())
	}
	// Another maeul (e.g. `maeul serve` while `maeul token create` runs)
	// may own a live server on this folder: share it rather than stop it.
	if running(dir) {
		c := &Cluster{Dir: dir, log: log}
		if conn, err := pgx.Connect(ctx, c.DSN("postgres")); err == nil {
			conn.Close(ctx)
			log.Info("using the private PostgreSQL cluster another maeul process runs", "dir", dir)
			return c, nil
		}
	}
	stopStale(dir)
	args := []string{"-D", dir, "-k", dir, "-c", "listen_addresses=", "-c", "max_connections=200",
		"-c", "shared_buffers=128MB", "-c", "log_min_messages=warning", "-c", "logging_collector=off"}
	if o.NoFsync {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	// Pdeathsig: if this process dies, postgres shuts down fast on its own.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT, Setpgid: true}
	logf, err := os.OpenFile(filepath.Join(dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c := &Cluster{Dir: dir, cmd: cmd, done: make(chan struct{}), log: log}
	go func() { cmd.Wait(); logf.Close(); close(c.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, c.DSN("postgres"))
		if err == nil {
			conn.Close(ctx)
			break
		}
		select {
		case <-c.done:
			out, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres exited: %s", lastLine(out))
		case <-ctx.Done():
			c.Stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.Stop()
			return nil, fmt.Errorf("postgres did not accept connections within 30 s: %v", err)
		}
	}
	return c, nil
}

// DSN returns a connection string for the named database of the cluster.
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("host=%s port=5432 user=postgres dbname=%s sslmode=disable", c.Dir, db)
}

// Stop shuts postgres down (fast mode) and waits for it. A cluster shared
// with another process is left running.
func (c *Cluster) Stop() {
	if c == nil || c.cmd == nil || c.cmd.Process == nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
}

// running reports whether a postmaster process is alive for dir.
func running(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}

// stopStale stops a postgres left running on this folder by a process that
// died without stopping it, so the new start does not fail on the lock file.
func stopStale(dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pid <= 0 {
		return
	}
	p, err := os.FindProcess(pid)
	if err != nil || p.Signal(syscall.Signal(0)) != nil {
		return
	}
	p.Signal(syscall.SIGINT)
	for i := 0; i < 200; i++ {
		if p.Signal(syscall.Signal(0)) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runAs returns the credential to run postgres with: the postgres user when
// we are root, nobody else's otherwise.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root needs a `postgres` user to run the private cluster: install postgresql-15 or set DATABASE_URL")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func lastLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
