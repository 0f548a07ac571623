package voting_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"maeul/assembly"
	"maeul/database"
	"maeul/server/servertest"
	"maeul/voting"
)

// An attacker with superuser SQL and a pg_dump of the database after the
// vote tries to link ballots to codes (and so to the people the codes were
// handed to): by transaction ids (xmin), by physical order (ctid), by the
// order a dump prints, by the codes' batches and channels. Every ballot has
// distinct choices, so the test knows which ballot each code cast. No
// strategy may do better than chance among k: the fraction of ballots it
// links right must stay within noise of 1/k.
func TestSecrecyAgainstADatabaseReader(t *testing.T) {
	const n = 100
	k := voting.DefaultK
	costs := make([]int64, 8)
	for i := range costs {
		costs[i] = int64(1_000_000 * (i + 1))
	}
	v := setup(t, servertest.FixtureOptions{Method: assembly.MethodRanked, MaxChoices: 3, Costs: costs}, true)
	onsite := v.codes(t, 70, voting.ChannelOnsite)
	online := v.codes(t, 30, voting.ChannelOnline)
	codes := append(onsite, online...)
	// Distinct ranked choices per ballot: the ground truth of who cast what.
	var choiceSets [][]string
	for a := 0; a < 8 && len(choiceSets) < n; a++ {
		for b := 0; b < 8 && len(choiceSets) < n; b++ {
			for c := 0; c < 8 && len(choiceSets) < n; c++ {
				if a != b && b != c && a != c {
					choiceSets = append(choiceSets, v.ids(a, b, c))
				}
			}
		}
	}
	// Cast in a shuffled order of codes, at different times, over both
	// channels; the mixer runs in the background as it does on the day.
	order := make([]int, n)
	for i := range order {
		order[i] = (i * 37) % n // a fixed permutation mixing the channels
	}
	truth := map[string]string{} // choices "a,b,c" → the code's qr hash column value (as hex)
	castIndex := map[string]int{}
	for i, ci := range order {
		r := v.ballot(t, codes[ci].Code, fmt.Sprintf("nonce-%d", i), choiceSets[i])
		if r.Status != 201 {
			t.Fatalf("ballot %d: %d %s", i, r.Status, r.Body)
		}
		key := strings.Join(choiceSets[i], ",")
		truth[key] = codes[ci].Code
		castIndex[key] = i
		time.Sleep(3 * time.Millisecond)
	}
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	ctx := t.Context()
	pool := v.e.DB.Pool

	// What the attacker reads: each used code's system columns, batch and
	// channel, in every order the database offers.
	type codeRow struct {
		qr           string // hex of qr_hash: the attacker has it; the test maps it to the plain code
		xmin, batch  int64
		ctid         string
		channel      string
		page, offset int64
	}
	rows, err := pool.Query(ctx, `SELECT encode(qr_hash, 'hex'), xmin::text::bigint, batch_id, ctid::text, channel,
			(ctid::text::point)[0]::bigint, (ctid::text::point)[1]::bigint
		FROM codes WHERE assembly_id = $1 AND used`, v.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var used []codeRow
	for rows.Next() {
		var c codeRow
		if err := rows.Scan(&c.qr, &c.xmin, &c.batch, &c.ctid, &c.channel, &c.page, &c.offset); err != nil {
			t.Fatal(err)
		}
		used = append(used, c)
	}
	rows.Close()
	if len(used) != n {
		t.Fatalf("%d used codes", len(used))
	}
	qrOf := map[string]string{} // plain code → hex hash
	for _, c := range codes {
		qrOf[c.Code] = fmt.Sprintf("%x", voting.HashQRForTest(c.Code))
	}
	type ballotRow struct {
		choices      string
		xmin         int64
		page, offset int64
		channel      string
	}
	rows, err = pool.Query(ctx, `SELECT (SELECT string_agg(c.agenda_id::text, ',' ORDER BY c.position) FROM ballot_choices c WHERE c.ballot_id = b.id),
			xmin::text::bigint, (ctid::text::point)[0]::bigint, (ctid::text::point)[1]::bigint, channel
		FROM ballots b WHERE assembly_id = $1`, v.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var stored []ballotRow
	for rows.Next() {
		var b ballotRow
		if err := rows.Scan(&b.choices, &b.xmin, &b.page, &b.offset, &b.channel); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, b)
	}
	rows.Close()
	if len(stored) != n {
		t.Fatalf("%d stored ballots", len(stored))
	}

	// 1. The same transaction: no ballot shares an xmin with any code.
	codeX := map[int64]bool{}
	for _, c := range used {
		codeX[c.xmin] = true
	}
	groups := map[int64]int{}
	for _, b := range stored {
		if codeX[b.xmin] {
			t.Fatalf("a ballot shares its transaction (xmin %d) with a code", b.xmin)
		}
		groups[b.xmin]++
	}
	for x, size := range groups {
		if size < k {
			t.Fatalf("a mixed group (xmin %d) has %d ballots, fewer than k = %d", x, size, k)
		}
	}
	if len(groups) != 1 {
		t.Errorf("after the close the ballots still carry %d transaction ids, want the close's one", len(groups))
	}
	t.Logf("%d ballots stored in %d groups: %v", n, len(groups), groups)

	// 2. Order against order: pair the i-th code with the i-th ballot in
	// every ordering the attacker could use, and count right links.
	right := func(codeOrder []codeRow, ballotOrder []ballotRow) int {
		hits := 0
		for i := range codeOrder {
			if qrOf[truth[ballotOrder[i].choices]] == codeOrder[i].qr {
				hits++
			}
		}
		return hits
	}
	byXmin := append([]codeRow(nil), used...)
	sort.Slice(byXmin, func(i, j int) bool { return byXmin[i].xmin < byXmin[j].xmin })
	byCtid := append([]codeRow(nil), used...)
	sort.Slice(byCtid, func(i, j int) bool {
		return byCtid[i].page < byCtid[j].page || byCtid[i].page == byCtid[j].page && byCtid[i].offset < byCtid[j].offset
	})
	bByX := append([]ballotRow(nil), stored...)
	sort.SliceStable(bByX, func(i, j int) bool {
		return bByX[i].xmin < bByX[j].xmin || bByX[i].xmin == bByX[j].xmin &&
			(bByX[i].page < bByX[j].page || bByX[i].page == bByX[j].page && bByX[i].offset < bByX[j].offset)
	})
	bByCtid := append([]ballotRow(nil), stored...)
	sort.Slice(bByCtid, func(i, j int) bool {
		return bByCtid[i].page < bByCtid[j].page || bByCtid[i].page == bByCtid[j].page && bByCtid[i].offset < bByCtid[j].offset
	})
	dump := dumpOrder(t, v.e.DB.DSN)
	var bByDump []ballotRow
	byChoices := map[string]ballotRow{}
	for _, b := range stored {
		byChoices[b.choices] = b
	}
	for _, c := range dump {
		if b, ok := byChoices[c]; ok {
			bByDump = append(bByDump, b)
		}
	}
	if len(bByDump) != n {
		t.Fatalf("the dump printed %d of %d ballots", len(bByDump), n)
	}
	p := 1 / float64(k)
	limit := p + 3*math.Sqrt(p*(1-p)/n) // 1/k, plus three standard deviations of chance
	best := 0
	for name, hits := range map[string]int{
		"codes by xmin ~ ballots by xmin, ctid": right(byXmin, bByX),
		"codes by ctid ~ ballots by ctid":       right(byCtid, bByCtid),
		"codes by xmin ~ ballots as dumped":     right(byXmin, bByDump),
		"codes by ctid ~ ballots as dumped":     right(byCtid, bByDump),
	} {
		t.Logf("%s: %d of %d linked right", name, hits, n)
		if float64(hits)/n > limit {
			t.Errorf("%s links %d of %d ballots to their codes: more than chance among k = %d allows (%.0f)", name, hits, n, k, limit*n)
		}
		best = max(best, hits)
	}
	// 3. The dump's order says little of the casting order (Spearman).
	var cast, dumped []float64
	for i, b := range bByDump {
		cast = append(cast, float64(castIndex[b.choices]))
		dumped = append(dumped, float64(i))
	}
	rho := spearman(cast, dumped)
	t.Logf("Spearman ρ between casting order and dump order: %.2f (best linking strategy: %d of %d)", rho, best, n)
	// The close rewrites the phone ballots in one random order: ρ is noise
	// (its standard deviation is 1/√(n−1); without the mixer ρ is 1).
	if noise := 3.5 / math.Sqrt(n-1); math.Abs(rho) > noise {
		t.Errorf("the dump prints ballots in an order that follows the casting order (ρ = %.2f, noise %.2f)", rho, noise)
	}
	// 4. Channels: a ballot labelled with a channel is in a group of at
	// least k ballots of that label (a group that had to join channels is
	// labelled "mixed").
	labels := map[int64]map[string]int{}
	for _, b := range stored {
		if labels[b.xmin] == nil {
			labels[b.xmin] = map[string]int{}
		}
		labels[b.xmin][b.channel]++
	}
	for x, ls := range labels {
		for l, size := range ls {
			if size < k {
				t.Errorf("group %d has %d ballots labelled %s, fewer than k = %d: the label singles them out", x, size, l, k)
			}
		}
	}
	// 5. Codes keep whether they were used, never when.
	var timed int64
	pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns WHERE table_name IN ('codes', 'ballots', 'ballot_choices', 'receipts', 'pending_ballots')
		AND (data_type LIKE 'time%' AND column_name NOT IN ('revoked_at'))`).Scan(&timed)
	if timed != 0 {
		t.Errorf("%d time columns on codes, ballots or receipts", timed)
	}
	if v.count(t, `SELECT count(*) FROM pending_ballots WHERE assembly_id = $1`, v.a.ID) != 0 {
		t.Error("ballots still waiting after the close")
	}
	// 6. Typed codes (49 bits) cannot be brute-forced from a dump: their
	// stored hash is keyed with the secret, not a plain hash of the code —
	// the attacker who hashes every typed code the way a plain scheme
	// would finds none of them.
	for _, c := range codes {
		short := strings.ReplaceAll(c.Short, "-", "")
		for _, plain := range [][]byte{[]byte(short), []byte("maeul short v1:" + short)} {
			h := sha256.Sum256(plain)
			if v.count(t, `SELECT count(*) FROM codes WHERE short_hash = $1`, h[:]) != 0 {
				t.Fatalf("a typed code is stored as a plain SHA-256 (%q)", plain)
			}
		}
	}
}

// dumpOrder runs pg_dump --data-only and returns the ballots' choices in the
// order the dump prints ballot_choices (grouped per ballot as they appear).
func dumpOrder(t *testing.T, dsn string) []string {
	t.Helper()
	dir, err := database.FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "pg_dump")
	out, err := exec.Command(bin, "--data-only", "--table=ballot_choices", "--dbname="+dsn).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	var order []string
	cur := map[string][]string{} // ballot id → agenda ids in position order
	var ids []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "COPY public.ballot_choices") {
			in = true
			continue
		}
		if in && line == `\.` {
			break
		}
		if in {
			f := strings.Split(line, "\t") // assembly_id, ballot_id, agenda_id, position
			if len(f) != 4 {
				continue
			}
			if _, ok := cur[f[1]]; !ok {
				ids = append(ids, f[1])
			}
			pos := 0
			fmt.Sscan(f[3], &pos)
			for len(cur[f[1]]) < pos {
				cur[f[1]] = append(cur[f[1]], "")
			}
			cur[f[1]][pos-1] = f[2]
		}
	}
	for _, id := range ids {
		order = append(order, strings.Join(cur[id], ","))
	}
	return order
}

func spearman(x, y []float64) float64 {
	rank := func(v []float64) []float64 {
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
		r := make([]float64, len(v))
		for i, j := range idx {
			r[j] = float64(i)
		}
		return r
	}
	rx, ry := rank(x), rank(y)
	n := float64(len(x))
	var d2 float64
	for i := range rx {
		d := rx[i] - ry[i]
		d2 += d * d
	}
	return 1 - 6*d2/(n*(n*n-1))
}
