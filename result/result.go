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
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/voting"
	"maeul/web"
)

// Service is the results part of the service.
type Service struct {
	Env        *web.Env
	Assemblies *assembly.Service
	Voting     *voting.Service
	// ReceiptLimit limits receipt checks per client address.
	ReceiptLimit *web.Limiter
	// Now is the clock for deadlines (tests may move it).
	Now func() time.Time
}

// NewService returns the results service.
func NewService(env *web.Env, asm *assembly.Service, vote *voting.Service) *Service {
	return &Service{Env: env, Assemblies: asm, Voting: vote,
		ReceiptLimit: web.NewLimiter(10, 6*time.Second), Now: time.Now}
}

// Channels, in the order pages show them.
var Channels = []string{voting.ChannelOnsite, voting.ChannelOnline, voting.ChannelPaper}

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

// Find returns the result of an assembly: the frozen snapshot once
// announced, a fresh count while closed. Returns ECONFLICT before the vote
// has closed (nothing to show yet).
func Find(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Result, error) {
	switch a.State {
	case assembly.StateAnnounced:
		return findSnapshot(ctx, q, a)
	case assembly.StateClosed:
		return Compute(ctx, q, a)
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
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	r.SHA256 = sum
	r.State = a.State
	return &r, nil
}

// Compute counts the ballots of a closed (or announced) assembly and ranks
// the agendas. It reads the ballots table itself: voting.Count withholds
// per-agenda numbers while sealed, and has no per-channel split.
func Compute(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Result, error) {
	agendas, err := assembly.FindAgendas(ctx, q, a.ID)
	if err != nil {
		return nil, err
	}
	r := &Result{AssemblyID: a.IDString(), Slug: a.Slug, District: a.District, Dong: a.Dong, Title: a.Title,
		State: a.State, Method: a.Method, MaxChoices: a.MaxChoices, BudgetCap: a.BudgetCap, TieBreak: a.TieBreak,
		TieBreakRule: TieBreakRule("ko", a.TieBreak), Channels: map[string]int64{}, ByChannel: map[string][]ChannelRank{},
		AnnouncedAt: a.AnnouncedAt, Frozen: a.State == assembly.StateAnnounced}
	for _, ch := range Channels {
		r.Channels[ch] = 0
	}
	counts, err := voting.CountBallots(ctx, q, a)
	if err != nil {
		return nil, err
	}
	r.Ballots = counts.Ballots
	for ch, n := range counts.Channels {
		r.Channels[ch] += n
	}
	byCh := map[string]map[int64]ChannelCount{}
	for _, ch := range Channels {
		byCh[ch] = map[int64]ChannelCount{}
	}
	rows, err := q.Query(ctx, `SELECT b.channel, c.agenda_id, count(*),
			sum(CASE WHEN $2 = 'ranked' THEN greatest($3::int - c.position + 1, 0) ELSE 1 END)
		FROM ballot_choices c JOIN ballots b ON b.assembly_id = c.assembly_id AND b.id = c.ballot_id
		WHERE c.assembly_id = $1 GROUP BY b.channel, c.agenda_id`, a.ID, a.Method, a.MaxChoices)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ch string
		var id int64
		var cc ChannelCount
		if err := rows.Scan(&ch, &id, &cc.Votes, &cc.Points); err != nil {
			rows.Close()
			return nil, err
		}
		if byCh[ch] == nil {
			byCh[ch] = map[int64]ChannelCount{}
		}
		byCh[ch][id] = cc
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	items := make([]Item, len(agendas))
	for i, g := range agendas {
		items[i] = Item{ID: g.ID, Number: g.Number, Title: g.Title, Cost: g.Cost}
		for _, ch := range Channels {
			cc := byCh[ch][g.ID]
			items[i].Votes += cc.Votes
			items[i].Points += cc.Points
		}
	}
	ranked := Rank(a.Method, a.TieBreak, a.BudgetCap, items)
	r.Allocated = Allocated(ranked)
	for _, x := range ranked {
		ar := AgendaResult{Rank: x.Rank, ID: strconv.FormatInt(x.ID, 10), Number: x.Number, Title: x.Title,
			Cost: x.Cost, Votes: x.Votes, Points: x.Points, Selected: x.Selected, OverCap: x.Reason == ReasonOverCap,
			Reason: x.Reason, Cumulative: x.Cumulative, Remaining: x.Remaining, Tied: x.Tied,
			Note: Note("ko", a.TieBreak, x), NoteEn: Note("en", a.TieBreak, x), Channels: map[string]ChannelCount{}}
		for _, ch := range Channels {
			ar.Channels[ch] = byCh[ch][x.ID]
		}
		r.Agendas = append(r.Agendas, ar)
	}
	for _, ch := range Channels {
		chItems := make([]Item, len(agendas))
		for i, g := range agendas {
			cc := byCh[ch][g.ID]
			chItems[i] = Item{ID: g.ID, Number: g.Number, Cost: g.Cost, Votes: cc.Votes, Points: cc.Points}
		}
		list := []ChannelRank{}
		for _, x := range Rank(a.Method, a.TieBreak, a.BudgetCap, chItems) {
			list = append(list, ChannelRank{Rank: x.Rank, ID: strconv.FormatInt(x.ID, 10), Number: x.Number, Votes: x.Votes, Points: x.Points})
		}
		r.ByChannel[ch] = list
	}
	return r, nil
}

// Hash is the hex SHA-256 of b.
func Hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Announce moves a closed assembly to announced and freezes its result, in
// one transaction: the state change, the snapshot and the audit entry are
// written together or not at all. Returns EFORBIDDEN unless u manages the
// assembly's dong, ECONFLICT unless the assembly is closed.
func (s *Service) Announce(ctx context.Context, id int64, u *account.User) (*Result, error) {
	tx, err := s.Env.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	a, err := assembly.FindAssembly(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	var at time.Time
	err = tx.QueryRow(ctx, `UPDATE assemblies SET state = 'announced', announced_at = now(), updated_at = now()
		WHERE id = $1 AND state = 'closed' RETURNING announced_at`, id).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ECONFLICT, "result.announce_not_closed")
	}
	if err != nil {
		return nil, err
	}
	a.State, a.AnnouncedAt = assembly.StateAnnounced, &at
	r, err := Compute(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	r.Frozen = true
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	r.SHA256 = Hash(raw)
	pb, err := WritePabulib(ctx, tx, a, r)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO results (assembly_id, snapshot, sha256, announced_by, pabulib) VALUES ($1, $2, $3, $4, $5)`,
		id, raw, r.SHA256, u.ID, string(pb)); err != nil {
		return nil, err
	}
	if err := audit(ctx, tx, u, a.District, a.Dong, &a.ID, "announce", "workflow.audit.announce",
		web.Group(r.Ballots), web.Group(r.Allocated), r.SHA256); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	s.Assemblies.OnChange(id)
	return r, nil
}
