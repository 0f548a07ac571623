package voting_test

import (
	"fmt"
	"sync"
	"testing"

	"maeul/secret"
	"maeul/server/servertest"
	"maeul/voting"
)

// Two instances on one database mix the same assembly at once: one mixer
// per assembly (the advisory lock), nothing mixed twice or lost, every
// group at least k, k always left waiting until the close mixes the rest.
func TestMixerTwoInstances(t *testing.T) {
	d := newDomain(t, servertest.FixtureOptions{})
	ctx := t.Context()
	d.open(t)
	other := voting.NewService(d.db.Pool, "https://maeul.test", nil, nil)
	other.Secret = servertest.TestSecret
	const n = 57
	codes := d.codes(t, n, voting.ChannelOnsite)
	var wg sync.WaitGroup
	moved := make([]int, 8)
	for i := range n {
		if _, err := d.submit(t, codes[i].Code, fmt.Sprint("n", i), i%6, (i+1)%6); err != nil {
			t.Fatalf("ballot %d: %v", i, err)
		}
		if i%7 == 6 { // both instances race to mix, now and then
			for j := range moved {
				wg.Add(1)
				go func(j int) {
					defer wg.Done()
					svc := d.svc
					if j%2 == 1 {
						svc = other
					}
					m, err := svc.MixReady(ctx)
					if err != nil {
						t.Error(err)
					}
					moved[j] += m
				}(j)
			}
			wg.Wait()
		}
	}
	count := func(sql string) int64 {
		var x int64
		if err := d.db.Pool.QueryRow(ctx, sql, d.a.ID).Scan(&x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	total := 0
	for _, m := range moved {
		total += m
	}
	stored, waiting := count(`SELECT count(*) FROM ballots WHERE assembly_id = $1`), count(`SELECT count(*) FROM pending_ballots WHERE assembly_id = $1`)
	k := int64(voting.DefaultK)
	if int64(total) != stored || stored+waiting != n || waiting < k || waiting >= 2*k {
		t.Fatalf("mixed %d (reported %d), waiting %d of %d: want k ≤ waiting < 2k and nothing twice", stored, total, waiting, n)
	}
	if small := count(`SELECT count(*) FROM (SELECT xmin::text FROM ballots WHERE assembly_id = $1 GROUP BY xmin::text HAVING count(*) < 10) g`); small != 0 {
		t.Fatalf("%d groups smaller than k", small)
	}
	if _, err := other.Close(ctx, d.host, d.a.ID); err != nil {
		t.Fatal(err)
	}
	if count(`SELECT count(*) FROM ballots WHERE assembly_id = $1`) != n || count(`SELECT count(*) FROM pending_ballots WHERE assembly_id = $1`) != 0 {
		t.Fatal("the close did not mix the rest")
	}
	if votes := count(`SELECT sum(votes) FROM tally_agendas WHERE assembly_id = $1`); votes != 2*n {
		t.Fatalf("running counts hold %d votes, want %d", votes, 2*n)
	}
	run, _ := voting.RunningCounts(ctx, d.db.Pool, d.a)
	full, _ := voting.CountBallots(ctx, d.db.Pool, d.a)
	if !run.SameChoices(full) || run.Ballots != full.Ballots {
		t.Fatalf("running counts %+v differ from the recount %+v", run, full)
	}
}

// A secret that does not open the waiting ballots stops the mixer instead
// of dropping them.
func TestMixerKeepsWhatItCannotOpen(t *testing.T) {
	d := newDomain(t, servertest.FixtureOptions{})
	ctx := t.Context()
	d.open(t)
	codes := d.codes(t, 20, voting.ChannelOnsite)
	for i := range 20 {
		if _, err := d.submit(t, codes[i].Code, "n", 0); err != nil {
			t.Fatal(err)
		}
	}
	wrong := voting.NewService(d.db.Pool, "https://maeul.test", nil, nil)
	wrong.Secret = secret.New()
	if _, err := wrong.MixReady(ctx); err == nil {
		t.Fatal("a mixer with another secret went on")
	}
	var waiting int
	d.db.Pool.QueryRow(ctx, `SELECT count(*) FROM pending_ballots WHERE assembly_id = $1`, d.a.ID).Scan(&waiting)
	if waiting != 20 {
		t.Fatalf("%d ballots waiting, want all 20 kept", waiting)
	}
}
