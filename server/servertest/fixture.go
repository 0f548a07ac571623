package servertest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"maeul/assembly"
)

// FixtureOptions shape a test assembly. Zero values take the defaults.
type FixtureOptions struct {
	District, Dong string // default 마포구 성산1동
	State          string // default published
	Method         string // default approval
	MaxChoices     int    // default 3
	BudgetCap      int64  // default 30,000,000
	Sealed         bool
	Costs          []int64 // one agenda per cost; default six agendas
	OnlineFrom     *time.Time
	OnlineUntil    *time.Time
}

var fixtureSeq atomic.Int64

// Fixture inserts an assembly and its agendas straight into the database
// (bypassing the API, so tests of other parts do not depend on it) and
// returns them as stored.
func (e *Env) Fixture(tb testing.TB, o FixtureOptions) (*assembly.Assembly, []assembly.Agenda) {
	tb.Helper()
	if o.District == "" {
		o.District, o.Dong = "마포구", "성산1동"
	}
	if o.State == "" {
		o.State = assembly.StatePublished
	}
	if o.Method == "" {
		o.Method = assembly.MethodApproval
	}
	if o.MaxChoices == 0 {
		o.MaxChoices = 3
	}
	if o.BudgetCap == 0 {
		o.BudgetCap = 30_000_000
	}
	if o.Costs == nil {
		o.Costs = []int64{5_000_000, 12_000_000, 8_000_000, 3_000_000, 9_500_000, 15_000_000}
	}
	ctx := context.Background()
	slug := fmt.Sprintf("test-%d-%d", time.Now().UnixNano()%1_000_000, fixtureSeq.Add(1))
	start := time.Date(2026, 7, 15, 14, 0, 0, 0, time.FixedZone("KST", 9*3600))
	var id int64
	err := e.DB.Pool.QueryRow(ctx, `INSERT INTO assemblies (slug, district, dong, title, place, starts_at, ends_at,
		budget_cap, method, max_choices, sealed, state, online_from, online_until)
		VALUES ($1, $2, $3, $4, '동 주민센터 3층 강당', $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		slug, o.District, o.Dong, o.Dong+" 마을총회", start, start.Add(3*time.Hour), o.BudgetCap, o.Method,
		o.MaxChoices, o.Sealed, o.State, o.OnlineFrom, o.OnlineUntil).Scan(&id)
	if err != nil {
		tb.Fatal(err)
	}
	for i, c := range o.Costs {
		_, err := e.DB.Pool.Exec(ctx, `INSERT INTO agendas (assembly_id, number, title, summary, location, cost)
			VALUES ($1, $2, $3, '내용', '위치', $4)`, id, i+1, fmt.Sprintf("의제 %d", i+1), c)
		if err != nil {
			tb.Fatal(err)
		}
	}
	a, err := assembly.FindAssembly(ctx, e.DB.Pool, id)
	if err != nil {
		tb.Fatal(err)
	}
	gs, err := assembly.FindAgendas(ctx, e.DB.Pool, id)
	if err != nil {
		tb.Fatal(err)
	}
	return a, gs
}

// SetRunningCounts rebuilds an assembly's running counts (tally_channels,
// tally_agendas) from the ballots stored straight into the database by a
// test, as the mixer would have left them.
func (e *Env) SetRunningCounts(tb testing.TB, assemblyID int64) {
	tb.Helper()
	for _, q := range []string{
		`DELETE FROM tally_agendas WHERE assembly_id = $1`,
		`DELETE FROM tally_channels WHERE assembly_id = $1`,
		`INSERT INTO tally_channels (assembly_id, channel, ballots)
			SELECT assembly_id, channel, count(*) FROM ballots WHERE assembly_id = $1 GROUP BY 1, 2`,
		`INSERT INTO tally_agendas (assembly_id, agenda_id, channel, votes, points)
			SELECT c.assembly_id, c.agenda_id, b.channel, count(*),
				sum(CASE WHEN a.method = 'ranked' THEN greatest(a.max_choices - c.position + 1, 0) ELSE 1 END)
			FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id JOIN assemblies a ON a.id = c.assembly_id
			WHERE c.assembly_id = $1 GROUP BY 1, 2, 3`,
	} {
		if _, err := e.DB.Pool.Exec(context.Background(), q, assemblyID); err != nil {
			tb.Fatal(err)
		}
	}
}
