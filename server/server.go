// Package server wires every package into one service: the Fiber app with
// each package's routes, the live hub, health and metrics. cmd/maeul and the
// end-to-end tests both build the service here, so tests run what ships.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul/account"
	"maeul/assembly"
	"maeul/council"
	"maeul/districtplan"
	"maeul/execution"
	"maeul/limit"
	"maeul/live"
	"maeul/planning"
	"maeul/registration"
	"maeul/rehearsal"
	"maeul/result"
	"maeul/secret"
	"maeul/selection"
	"maeul/static"
	"maeul/voting"
	"maeul/web"
)

// Config is what the service is told from outside.
type Config struct {
	BaseURL string
	Log     *slog.Logger
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed (web.ClientIP, web.IsHTTPS).
	TrustedProxies []netip.Prefix
	// MetricsToken lets a non-loopback client read /metrics with a Bearer
	// token; empty: loopback only.
	MetricsToken string
	// Secret is the service secret (MAEUL_SECRET_FILE), the same file on
	// every instance; required. The database must have been used with it.
	Secret *secret.Key
	// MixK is the least number of ballots mixed together (voting.DefaultK
	// when 0).
	MixK int
}

// Server is the whole service on one pool.
type Server struct {
	App        *fiber.App
	Env        *web.Env
	Auth       *account.Handlers
	Assemblies *assembly.Service
	Voting     *voting.Service
	Hub        *live.Service
	Results    *result.Service
	Council    *council.Service
	Execution  *execution.Service
	Selection  *selection.Service
	Planning   *planning.Service
	Rehearsals *rehearsal.Service
	Register   *registration.Service // registrations, early booths, kiosks
	cancel     context.CancelFunc
	hubDone    chan struct{}
	mixDone    chan struct{}
	life       context.Context
	stopLife   context.CancelFunc
	selfURL    atomic.Value // string: this instance's own loopback URL
}

// New builds the service. A broken template or asset stops it here.
func New(cfg Config, pool *pgxpool.Pool) (*Server, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Secret == nil {
		return nil, errors.New("server: no service secret (MAEUL_SECRET_FILE)")
	}
	vctx, vcancel := context.WithTimeout(context.Background(), 10*time.Second)
	err := secret.Verify(vctx, pool, cfg.Secret)
	vcancel()
	if err != nil {
		return nil, err
	}
	env, err := NewEnv(cfg.BaseURL, log)
	if err != nil {
		return nil, err
	}
	env.TrustedProxies = cfg.TrustedProxies
	env.Limits = limit.New(pool)
	env.MetricsToken = cfg.MetricsToken
	s := &Server{Env: env, hubDone: make(chan struct{}), mixDone: make(chan struct{})}
	s.life, s.stopLife = context.WithCancel(context.Background())
	s.App = web.NewApp(env)
	s.Auth = account.NewHandlers(env, account.NewService(pool))
	s.Assemblies = assembly.NewService(pool)
	s.Voting = voting.NewService(pool, env.BaseURL, env.Log, env.Metrics)
	s.Voting.Secret, s.Voting.K = cfg.Secret, cfg.MixK
	s.Hub = live.NewService(pool, env.Log, env.Metrics)
	s.Assemblies.OnChange = s.Hub.Changed
	s.Voting.OnChange = s.Hub.Changed
	s.Results = result.NewService(pool, s.Hub.Changed)
	s.Assemblies.Returns = s.Results // a returned list opens its agendas for correction
	s.Results.K = s.Voting.K
	s.Council = council.NewService(pool)
	s.Execution = execution.NewService(pool)
	s.Selection = selection.NewService(pool, s.Council)
	s.Register = registration.NewService(pool, s.Voting, cfg.Secret)
	s.Register.OnChange = s.Hub.Changed
	s.Voting.Registrations = s.Register.Counts
	s.Planning = planning.NewService(pool, s.Assemblies)
	s.Assemblies.Subcommittees = s.Planning.Subcommittees
	// The year's timeline learns when the council's own steps were done.
	s.Selection.RegisterSource(selection.StepOrganisation, s.Planning.OrganisationDoneAt)
	s.Selection.RegisterSource(selection.StepSurvey, s.Planning.SurveyDoneAt)
	s.Selection.RegisterSource(selection.StepDrafts, func(ctx context.Context, year int, district, dong string) (*time.Time, error) {
		at, _, err := s.Planning.DraftsDoneAt(ctx, year, district, dong)
		return at, err
	})
	s.Selection.RegisterSource(selection.StepReviews, s.Planning.ReviewsDoneAt)
	issue := func(ctx context.Context, u *account.User, id int64, n int) ([]string, error) {
		// A rehearsal of an assembly that checks eligibility registers its
		// simulated residents at the desk, one code each, as the day will.
		if a, err := assembly.FindAssembly(ctx, pool, id); err == nil && a.NeedsRegistration() {
			out := make([]string, 0, n)
			for i := 0; i < n; i++ {
				r, err := s.Register.Register(ctx, u, id, registration.Person{Name: fmt.Sprintf("리허설 주민 %d", i+1),
					BirthDate: "1960-01-01", Category: a.Eligible[0], Channel: voting.ChannelOnsite})
				if err != nil {
					return nil, err
				}
				out = append(out, r.Code.Code)
			}
			return out, nil
		}
		_, _, codes, err := s.Voting.IssueCodes(ctx, u, id, n, voting.ChannelOnsite)
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = c.Code
		}
		return out, err
	}
	s.Rehearsals = rehearsal.NewService(s.life, pool, log, issue, s.SelfURL)
	s.Rehearsals.OnChange = s.Hub.Changed

	app := s.App
	app.Get("/healthz", func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := pool.Ping(ctx); err != nil {
			log.Error("health check: database does not answer", "err", err)
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": "down"})
		}
		return c.JSON(fiber.Map{"status": "ok", "database": "ok"})
	})
	app.Get("/metrics", web.MetricsAccess(env), env.Metrics.Handler)
	app.Get("/static/:hash/*", env.Assets.Handler)
	env.Metrics.Gauge("maeul_db_connections", "Open connections in the database pool.", func() float64 {
		return float64(pool.Stat().TotalConns())
	})
	app.Use(s.Auth.Load)
	s.Auth.Routes(app)
	live.NewHandlers(env, s.Hub, s.Auth).Routes(app)
	assembly.NewHandlers(env, s.Assemblies, s.Auth).Routes(app)
	voting.NewHandlers(env, s.Voting, s.Auth).Routes(app)
	result.NewHandlers(env, s.Results, s.Auth).Routes(app)
	council.NewHandlers(env, s.Council, s.Auth).Routes(app)
	selection.NewHandlers(env, s.Selection, s.Auth).Routes(app)
	planning.NewHandlers(env, s.Planning, s.Auth).Routes(app)
	rehearsal.NewHandlers(env, s.Rehearsals, s.Auth).Routes(app)
	districtplan.NewHandlers(env, districtplan.NewService(pool, s.Assemblies), s.Auth).Routes(app)
	execution.NewHandlers(env, s.Execution, s.Auth).Routes(app)
	registration.NewHandlers(env, s.Register, s.Auth, s.Voting).Routes(app)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return s, nil
}

// Start runs the background work (the live hub, the ballot mixer) until Close.
func (s *Server) Start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	go func() {
		defer close(s.mixDone)
		s.Voting.Run(ctx)
	}()
	go func() {
		defer close(s.hubDone)
		if err := s.Hub.Run(ctx); err != nil && ctx.Err() == nil {
			s.Env.Log.Error("live hub stopped", "err", err)
		}
	}()
}

// Serve answers requests on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	s.selfURL.Store("http://" + ln.Addr().String())
	return s.App.Listener(ln)
}

// SelfURL is the address this instance listens on, for requests it makes
// to itself (a rehearsal's simulated phones); BaseURL until it listens.
func (s *Server) SelfURL() string {
	if u, ok := s.selfURL.Load().(string); ok {
		return u
	}
	return s.Env.BaseURL
}

// Close closes the websockets (Fiber's Shutdown does not close hijacked
// connections), drains requests and stops the hub.
func (s *Server) Close() error {
	s.stopLife()
	s.Rehearsals.Wait()
	if s.cancel != nil {
		s.cancel()
		<-s.hubDone
		<-s.mixDone
	}
	s.Hub.Close()
	return s.App.ShutdownWithTimeout(10 * time.Second)
}

// NewEnv loads the assets and templates.
func NewEnv(baseURL string, log *slog.Logger) (*web.Env, error) {
	sub, err := fs.Sub(static.Assets, ".")
	if err != nil {
		return nil, err
	}
	assets, err := web.LoadAssets(sub)
	if err != nil {
		return nil, err
	}
	views, err := web.LoadViews(static.Templates, assets)
	if err != nil {
		return nil, err
	}
	return &web.Env{Log: log, Views: views, Assets: assets, Metrics: web.NewMetrics(),
		BaseURL: strings.TrimRight(baseURL, "/"), Secure: strings.HasPrefix(baseURL, "https://")}, nil
}
