// Package voting owns one-time codes, QR cards, ballots (on phones, online
// and on paper), opening and closing the vote, and the tally. It may import
// assembly, never the reverse.
//
// The package has two halves. The domain half (Service, this file and
// ballot.go, commit.go, receipt.go, codes.go, paper.go, state.go, stats.go,
// count.go, tally.go, reveal.go, reprint.go) holds the rules and the SQL
// and knows nothing of HTTP. The HTTP half (Handlers: routes.go, api*.go, pages*.go) parses
// requests, checks roles, calls the Service and renders.
package voting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/secret"
)

// Metrics counts events for the metrics page (*web.Metrics is one).
type Metrics interface {
	Add(name, help string, n uint64)
}

// Service is the voting domain: codes, ballots, paper ballots, opening and
// closing, counting.
type Service struct {
	pool    *pgxpool.Pool
	baseURL string
	log     *slog.Logger
	metrics Metrics

	// OnChange is called after every committed change of a tally (a ballot,
	// a mix, a close). Set by the server to the live hub.
	OnChange func(assemblyID int64)

	// Secret keys the typed codes' hashes, the receipt boxes and the sealed
	// pending ballots. Required: set by the server from MAEUL_SECRET_FILE.
	Secret *secret.Key
	// K is the least number of ballots the mixer moves together (the
	// anonymity set of a ballot); DefaultK unless set.
	K int

	// Registrations, when set (the server wires it to the registration
	// package, which sits above voting), reads the console's registration
	// counts.
	Registrations func(ctx context.Context, assemblyID int64) (*RegistrationStats, error)

	cache    infoCache
	queue    commitQueue
	mixNow   chan struct{}
	sinceMix atomic.Int64
}

// DefaultK is the default size of the smallest mixed group of ballots.
const DefaultK = 10

// key returns the service secret; a service without one is a wiring bug.
func (s *Service) key() *secret.Key {
	if s.Secret == nil {
		panic("voting: the service has no secret (set Service.Secret)")
	}
	return s.Secret
}

// groupSize is K, at least 1.
func (s *Service) groupSize() int {
	if s.K < 1 {
		return DefaultK
	}
	return s.K
}

// NewService returns the voting service on pool. baseURL is the public URL
// the QR codes point to (no trailing slash). log and metrics may be nil.
func NewService(pool *pgxpool.Pool, baseURL string, log *slog.Logger, metrics Metrics) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if metrics == nil {
		metrics = noMetrics{}
	}
	return &Service{pool: pool, baseURL: baseURL, log: log, metrics: metrics, OnChange: func(int64) {},
		mixNow: make(chan struct{}, 1)}
}

type noMetrics struct{}

func (noMetrics) Add(string, string, uint64) {}

// ballotsStored counts stored ballots on the metrics page.
func (s *Service) ballotsStored(n int) {
	s.metrics.Add("maeul_ballots_total", "Ballots stored.", uint64(n))
}

// wrap names the operation of a store error, so that a 500 in the log
// says what failed. Errors meant for people (*maeul.Error) pass as they are.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *maeul.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("voting: %s: %w", op, err)
}

// IssuedCode is a code as shown once to the host: the QR URL and the typed form.
type IssuedCode struct {
	Code  string `json:"code"`
	Short string `json:"short"`
	URL   string `json:"url"`
	// Number is the card's number in its batch (1…), printed on the card,
	// so that a jammed card or range can be reprinted (Reprint).
	Number int `json:"number"`
}

// DemoCodes opens the demo assembly's vote if it is not open yet and issues
// n onsite codes for it.
func DemoCodes(ctx context.Context, s *Service, a *assembly.Assembly, host *account.User, n int) ([]IssuedCode, error) {
	if a.State == assembly.StatePublished {
		if _, err := s.Open(ctx, host, a.ID); err != nil {
			return nil, err
		}
	}
	_, _, codes, err := s.IssueCodes(ctx, host, a.ID, n, ChannelOnsite)
	return codes, err
}

// managed loads an assembly the host may change: EFORBIDDEN otherwise.
func (s *Service) managed(ctx context.Context, u *account.User, id int64) (*assembly.Assembly, error) {
	return assembly.FindManaged(ctx, s.pool, u, id)
}

// readable loads an assembly the host may read: EFORBIDDEN otherwise.
func (s *Service) readable(ctx context.Context, u *account.User, id int64) (*assembly.Assembly, error) {
	return assembly.FindReadable(ctx, s.pool, u, id)
}

// isGuess reports whether err means the code itself was not recognised:
// what a guesser sees, so it costs a token.
func isGuess(err error) bool {
	var e *maeul.Error
	return errors.As(err, &e) && (e.Key == "code.unknown" || e.Key == "code.bad_symbol")
}
