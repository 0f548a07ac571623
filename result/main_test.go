package result_test

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/database/dbtest"
	"maeul/server/servertest"
	"maeul/voting"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var receiptSeq atomic.Int64

// vote is one ballot: a channel and agenda numbers (1-based) in order.
type vote struct {
	channel string
	choices []int
}

// castSQL inserts ballots straight into the database (the assembly must be
// open: the database's trigger refuses anything else) and returns their
// receipts.
func castSQL(t *testing.T, e *servertest.Env, a *assembly.Assembly, gs []assembly.Agenda, votes []vote) []string {
	t.Helper()
	ctx := context.Background()
	tx, err := e.DB.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var receipts []string
	for _, v := range votes {
		r := fmt.Sprintf("TEST-%06d-%d", receiptSeq.Add(1), a.ID)
		var id string
		if err := tx.QueryRow(ctx, `INSERT INTO ballots (assembly_id, channel) VALUES ($1, $2) RETURNING id::text`,
			a.ID, v.channel).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO receipts (assembly_id, receipt_hash) VALUES ($1, $2)`, a.ID, voting.ReceiptHash(r)); err != nil {
			t.Fatal(err)
		}
		for p, n := range v.choices {
			if _, err := tx.Exec(ctx, `INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position) VALUES ($1, $2, $3, $4)`,
				a.ID, id, gs[n-1].ID, p+1); err != nil {
				t.Fatal(err)
			}
		}
		receipts = append(receipts, r)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	e.SetRunningCounts(t, a.ID)
	return receipts
}

func setState(t *testing.T, e *servertest.Env, a *assembly.Assembly, state string) {
	t.Helper()
	if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET state = $2,
		closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE closed_at END WHERE id = $1`, a.ID, state); err != nil {
		t.Fatal(err)
	}
	a.State = state
}

// closedVote makes an open fixture, casts the votes and closes it.
func closedVote(t *testing.T, e *servertest.Env, o servertest.FixtureOptions, votes []vote) (*assembly.Assembly, []assembly.Agenda, []string) {
	t.Helper()
	o.State = assembly.StateOpen
	a, gs := e.Fixture(t, o)
	receipts := castSQL(t, e, a, gs, votes)
	setState(t, e, a, assembly.StateClosed)
	return a, gs, receipts
}

// standardVotes: with the fixture's default costs (5, 12, 8, 3, 9.5, 15
// million) and a 30,000,000 cap the order is 1, 2, 6, 3, 5, 4: agenda 6
// (15M) does not fit after 1 and 2 (17M), 3 (8M) fits (25M), 5 (9.5M) does
// not, 4 (3M) fits exactly (28M).
func standardVotes() []vote {
	var vs []vote
	add := func(n int, ch string, c ...int) {
		for i := 0; i < n; i++ {
			vs = append(vs, vote{ch, c})
		}
	}
	add(5, "onsite", 1, 2, 6)
	add(3, "online", 1, 2, 3)
	add(2, "paper", 1, 6, 5)
	add(1, "online", 2, 3, 5)
	add(1, "onsite", 6, 4)
	return vs
}

// votes: 1→10, 2→9, 6→8, 3→4, 5→3, 4→1.

func hosts(t *testing.T, e *servertest.Env) (dong, other, district, otherDistrict, city *servertest.Host) {
	dong = e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	other = e.NewHost(t, account.RoleDong, "마포구", "망원1동")
	district = e.NewHost(t, account.RoleDistrict, "마포구", "")
	otherDistrict = e.NewHost(t, account.RoleDistrict, "강남구", "")
	city = e.NewHost(t, account.RoleCity, "", "")
	return
}

// clean fails the test when a page shows a missing message key (⟦key⟧) or
// a formatting slip (%!d, %!(EXTRA …)).
func clean(t *testing.T, name string, body []byte) {
	t.Helper()
	for _, bad := range []string{"⟦", "%!"} {
		if i := bytes.Index(body, []byte(bad)); i >= 0 {
			t.Errorf("%s shows %q: …%s…", name, bad, body[max(0, i-60):min(len(body), i+60)])
		}
	}
}
