// Package result turns a closed vote into the assembly's decision: the
// priority order, the budget fill, the results page, the selected-agenda
// submission (서식 2-5) and its way from the dong to the district and the
// city, the Pabulib export and the recount.
package result

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/voting"
)

// Service is the domain half of results: the rules and the SQL. The HTTP
// half (Handlers) parses requests and renders what it returns.
type Service struct {
	pool *pgxpool.Pool
	// OnChange is told, after the commit, that an assembly's state changed
	// (the announcement), so live viewers see it.
	OnChange func(assemblyID int64)
	// Now is the clock for the plan year (tests may move it).
	Now func() time.Time
	// K is the secret ballot's anonymity parameter: the results split the
	// choices by channel, and the Pabulib export gives each ballot's
	// channel, only when every channel has at least K ballots
	// (voting.DefaultK when 0).
	K int
}

func (s *Service) k() int {
	if s.K < 1 {
		return voting.DefaultK
	}
	return s.K
}

// NewService returns the results service on pool; onChange (may be nil)
// hears of announcements.
func NewService(pool *pgxpool.Pool, onChange func(int64)) *Service {
	if onChange == nil {
		onChange = func(int64) {}
	}
	return &Service{pool: pool, OnChange: onChange, Now: time.Now}
}

// ThisYear is the plan year now, in Seoul.
func (s *Service) ThisYear() int { return s.Now().In(seoul).Year() }

// wrap names the operation on an error people should not read, so a 500
// in the log says what failed; an *maeul.Error (and nil) passes as is.
func wrap(op string, err error) error {
	var me *maeul.Error
	if err == nil || errors.As(err, &me) {
		return err
	}
	return fmt.Errorf("result: %s: %w", op, err)
}

// Assembly finds an assembly by id.
func (s *Service) Assembly(ctx context.Context, id int64) (*assembly.Assembly, error) {
	a, err := assembly.FindAssembly(ctx, s.pool, id)
	return a, wrap("find assembly", err)
}

// AssemblyBySlug finds an assembly by its slug.
func (s *Service) AssemblyBySlug(ctx context.Context, slug string) (*assembly.Assembly, error) {
	a, err := assembly.FindAssemblyBySlug(ctx, s.pool, slug)
	return a, wrap("find assembly", err)
}

// Channels, in the order pages show them.
var Channels = []string{voting.ChannelOnsite, voting.ChannelOnline, voting.ChannelEarly, voting.ChannelPaper}

// Result is an assembly's decision as the API, the pages and the exports
// show it. Once announced it is read from the frozen snapshot.
type Result struct {
	AssemblyID   string           `json:"assembly_id"`
	Slug         string           `json:"slug"`
	District     string           `json:"district"`
	Dong         string           `json:"dong"`
	Title        string           `json:"title"`
	State        string           `json:"state"`
	Method       string           `json:"method"`
	MaxChoices   int              `json:"max_choices"`
	BudgetCap    int64            `json:"budget_cap"`
	Allocated    int64            `json:"allocated"`
	TieBreak     string           `json:"tie_break"`
	TieBreakRule string           `json:"tie_break_rule"`
	Ballots      int64            `json:"ballots"`
	Channels     map[string]int64 `json:"channels"`
	Agendas      []AgendaResult   `json:"agendas"`
	// ByChannel is the priority order within each channel alone (the budget
	// fill is decided on the combined count only).
	ByChannel   map[string][]ChannelRank `json:"by_channel"`
	Frozen      bool                     `json:"frozen"`
	AnnouncedAt *time.Time               `json:"announced_at,omitempty"`
	// SHA256 is the hash of the frozen snapshot (empty before announcing).
	SHA256 string `json:"sha256,omitempty"`
	// Questions are the yes/no questions beside the agenda vote, Turnout
	// the share of residents who voted and Valid whether it met the
	// assembly's minimum (when not, nothing is selected): questions.go.
	Questions []QuestionResult `json:"questions"`
	Turnout   voting.Turnout   `json:"turnout"`
	Valid     bool             `json:"valid"`
}

// AgendaResult is one agenda's line of the result, in priority order.
type AgendaResult struct {
	Rank       int                     `json:"rank"`
	ID         string                  `json:"id"`
	Number     int                     `json:"number"`
	Title      string                  `json:"title"`
	Cost       int64                   `json:"cost"`
	Votes      int64                   `json:"votes"`
	Points     int64                   `json:"points"`
	Selected   bool                    `json:"selected"`
	OverCap    bool                    `json:"over_cap"`
	Reason     string                  `json:"reason"`
	Cumulative int64                   `json:"cumulative"`
	Remaining  int64                   `json:"remaining"`
	Tied       bool                    `json:"tied"`
	Note       string                  `json:"note"`
	NoteEn     string                  `json:"note_en"`
	Channels   map[string]ChannelCount `json:"channels"`
}

// ChannelCount is one agenda's count within one channel.
type ChannelCount struct {
	Votes  int64 `json:"votes"`
	Points int64 `json:"points"`
}

// ChannelRank is one agenda's place within one channel.
type ChannelRank struct {
	Rank   int    `json:"rank"`
	ID     string `json:"id"`
	Number int    `json:"number"`
	Votes  int64  `json:"votes"`
	Points int64  `json:"points"`
}

// CanShow reports whether the result may be shown: to anyone once
// announced; to a host who may read the assembly once closed.
func CanShow(a *assembly.Assembly, u *account.User) bool {
	switch a.State {
	case assembly.StateAnnounced:
		return true
	case assembly.StateClosed:
		return u.CanRead(a.District, a.Dong)
	}
	return false
}

// Showable returns nil when u (nil: anyone) may see the assembly's result;
// otherwise why not: EUNAUTHORIZED (closed, not signed in), ENOTFOUND (not
// closed yet, not signed in), EFORBIDDEN (another dong's host) or
// ECONFLICT (not closed yet).
func Showable(a *assembly.Assembly, u *account.User) error {
	if CanShow(a, u) {
		return nil
	}
	if a.State == assembly.StateDraft && !u.CanRead(a.District, a.Dong) {
		// A draft is unknown to whoever may not see it: no existence oracle.
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	switch {
	case u == nil:
		if a.State == assembly.StateClosed {
			return maeul.Errorf(maeul.EUNAUTHORIZED, "result.not_announced")
		}
		return maeul.Errorf(maeul.ENOTFOUND, "result.not_announced")
	case !u.CanRead(a.District, a.Dong):
		return account.Forbid()
	}
	return maeul.Errorf(maeul.ECONFLICT, "result.not_closed")
}

// Result returns the assembly's result (see Find).
func (s *Service) Result(ctx context.Context, a *assembly.Assembly) (*Result, error) {
	if a.State == assembly.StateClosed {
		return ComputeK(ctx, s.pool, a, s.k())
	}
	return Find(ctx, s.pool, a)
}

// Find returns the result of an assembly: the frozen snapshot once
// announced, a fresh count while closed. Returns ECONFLICT before the vote
// has closed (nothing to show yet).
func Find(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Result, error) {
	switch a.State {
	case assembly.StateAnnounced:
		return findSnapshot(ctx, q, a)
	case assembly.StateClosed:
		return ComputeK(ctx, q, a, voting.DefaultK)
	}
	return nil, maeul.Errorf(maeul.ECONFLICT, "result.not_closed")
}

func findSnapshot(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Result, error) {
	var raw []byte
	var sum string
	err := q.QueryRow(ctx, `SELECT snapshot, sha256 FROM results WHERE assembly_id = $1`, a.ID).Scan(&raw, &sum)
	if errors.Is(err, pgx.ErrNoRows) {
		// Announced by something other than Announce (the demo, an old
		// database): count now, it cannot change any more.
		r, err := Compute(ctx, q, a)
		if err != nil {
			return nil, err
		}
		r.Frozen = true
		return r, nil
	}
	if err != nil {
		return nil, wrap("read snapshot", err)
	}
	// Snapshots frozen before questions and turnout existed were valid.
	r := Result{Valid: true, Questions: []QuestionResult{}, Turnout: voting.Turnout{Met: true}}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, wrap("read snapshot", err)
	}
	r.SHA256 = sum
	r.State = a.State
	return &r, nil
}

// Compute is ComputeK with the default k.
func Compute(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Result, error) {
	return ComputeK(ctx, q, a, voting.DefaultK)
}

// ComputeK counts the ballots of a closed (or announced) assembly and ranks
// the agendas, on voting's one full count (voting.CountBallots): voting.Count
// withholds per-agenda numbers while sealed, and has no per-channel split.
//
// It reads the running counts (voting.RunningCounts: a few rows per agenda);
// Announce checks them against a full recount first. The split of choices
// per channel is given only when every channel with ballots has at least k
// of them and none had to be mixed with another (voting.Counts.ByChannelAllowed):
// otherwise a channel's few ballots could be read off it.
func ComputeK(ctx context.Context, q assembly.Querier, a *assembly.Assembly, k int) (*Result, error) {
	agendas, err := assembly.FindAgendas(ctx, q, a.ID)
	if err != nil {
		return nil, wrap("compute: agendas", err)
	}
	counts, err := voting.RunningCounts(ctx, q, a)
	if err != nil {
		return nil, wrap("compute", err)
	}
	split := counts.ByChannelAllowed(k)
	r := &Result{AssemblyID: a.IDString(), Slug: a.Slug, District: a.District, Dong: a.Dong, Title: a.Title,
		State: a.State, Method: a.Method, MaxChoices: a.MaxChoices, BudgetCap: a.BudgetCap, TieBreak: a.TieBreak,
		TieBreakRule: TieBreakRule("ko", a.TieBreak), Channels: map[string]int64{}, ByChannel: map[string][]ChannelRank{},
		AnnouncedAt: a.AnnouncedAt, Frozen: a.State == assembly.StateAnnounced, Ballots: counts.Ballots}
	for _, ch := range Channels {
		r.Channels[ch] = 0
	}
	for ch, n := range counts.Channels {
		r.Channels[ch] = n
	}
	count := func(id int64, ch string) ChannelCount {
		cc := counts.Agendas[id][ch]
		return ChannelCount{Votes: cc.Votes, Points: cc.Points}
	}
	items := make([]Item, len(agendas))
	for i, g := range agendas {
		t := counts.Total(g.ID) // every label, "mixed" included
		items[i] = Item{ID: g.ID, Number: g.Number, Title: g.Title, Cost: g.Cost, Votes: t.Votes, Points: t.Points}
	}
	ranked := Rank(a.Method, a.TieBreak, a.BudgetCap, items)
	r.Allocated = Allocated(ranked)
	for _, x := range ranked {
		ar := AgendaResult{Rank: x.Rank, ID: strconv.FormatInt(x.ID, 10), Number: x.Number, Title: x.Title,
			Cost: x.Cost, Votes: x.Votes, Points: x.Points, Selected: x.Selected, OverCap: x.Reason == ReasonOverCap,
			Reason: x.Reason, Cumulative: x.Cumulative, Remaining: x.Remaining, Tied: x.Tied,
			Note: Note("ko", a.TieBreak, x), NoteEn: Note("en", a.TieBreak, x), Channels: map[string]ChannelCount{}}
		if split {
			for _, ch := range Channels {
				ar.Channels[ch] = count(x.ID, ch)
			}
		}
		r.Agendas = append(r.Agendas, ar)
	}
	for _, ch := range Channels {
		if !split {
			break
		}
		chItems := make([]Item, len(agendas))
		for i, g := range agendas {
			cc := count(g.ID, ch)
			chItems[i] = Item{ID: g.ID, Number: g.Number, Cost: g.Cost, Votes: cc.Votes, Points: cc.Points}
		}
		list := []ChannelRank{}
		for _, x := range Rank(a.Method, a.TieBreak, a.BudgetCap, chItems) {
			list = append(list, ChannelRank{Rank: x.Rank, ID: strconv.FormatInt(x.ID, 10), Number: x.Number, Votes: x.Votes, Points: x.Points})
		}
		r.ByChannel[ch] = list
	}
	if err := addQuestionsAndTurnout(ctx, q, a, counts, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Hash is the hex SHA-256 of b.
func Hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
