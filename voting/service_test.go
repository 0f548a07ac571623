package voting_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/database"
	"maeul/database/dbtest"
	"maeul/server/servertest"
	"maeul/voting"
)

// domain is the voting Service alone on a fresh database: no server, no
// HTTP. Fixtures are written straight into the database.
type domain struct {
	svc     *voting.Service
	db      *dbtest.DB
	a       *assembly.Assembly
	agendas []assembly.Agenda
	host    *account.User

	mu      sync.Mutex
	changes int
}

func newDomain(t *testing.T, o servertest.FixtureOptions) *domain {
	t.Helper()
	db := dbtest.MustOpenDB(t)
	a, gs := (&servertest.Env{DB: db}).Fixture(t, o)
	host := &account.User{Email: "host@" + a.Slug + ".kr", Role: account.RoleDong, District: a.District, Dong: a.Dong}
	if err := db.Pool.QueryRow(t.Context(), `INSERT INTO users (email, password_hash, role, district, dong)
		VALUES ($1, 'x', $2, $3, $4) RETURNING id`, host.Email, host.Role, host.District, host.Dong).Scan(&host.ID); err != nil {
		t.Fatal(err)
	}
	svc := voting.NewService(db.Pool, "https://maeul.test", nil, nil)
	svc.Secret = servertest.TestSecret
	d := &domain{svc: svc, db: db, a: a, agendas: gs, host: host}
	d.svc.OnChange = func(id int64) {
		if id != a.ID {
			t.Errorf("OnChange(%d), want %d", id, a.ID)
		}
		d.mu.Lock()
		d.changes++
		d.mu.Unlock()
	}
	return d
}

func (d *domain) ref(i int) voting.AgendaRef { return voting.AgendaRef(d.agendas[i].IDString()) }

func (d *domain) refs(idx ...int) []voting.AgendaRef {
	var out []voting.AgendaRef
	for _, i := range idx {
		out = append(out, d.ref(i))
	}
	return out
}

func (d *domain) open(t *testing.T) {
	t.Helper()
	r, err := d.svc.Open(t.Context(), d.host, d.a.ID)
	if err != nil || r.State != assembly.StateOpen {
		t.Fatalf("open: %+v %v", r, err)
	}
}

func (d *domain) codes(t *testing.T, n int, channel string) []voting.IssuedCode {
	t.Helper()
	_, _, codes, err := d.svc.IssueCodes(t.Context(), d.host, d.a.ID, n, channel)
	if err != nil || len(codes) != n {
		t.Fatalf("issue %d %s codes: %d %v", n, channel, len(codes), err)
	}
	return codes
}

func (d *domain) submit(t *testing.T, code, nonce string, choices ...int) (string, error) {
	t.Helper()
	return d.svc.Submit(t.Context(), voting.Submission{Slug: d.a.Slug, Code: code, Nonce: nonce, Choices: d.refs(choices...)})
}

func wantKey(t *testing.T, err error, code, key string) {
	t.Helper()
	var e *maeul.Error
	if !errors.As(err, &e) || e.Code != code || e.Key != key {
		t.Fatalf("error %v, want %s %s", err, code, key)
	}
}

// Ballots cast through the Service, a retry, paper ballots, the close and
// the count, all without HTTP.
func TestServiceCastCloseCount(t *testing.T) {
	d := newDomain(t, servertest.FixtureOptions{})
	ctx := t.Context()

	if _, err := d.submit(t, "K7QM-2XRP-9D", "n", 0); maeul.ErrorCode(err) != maeul.ENOTFOUND {
		t.Fatalf("a code never issued: %v", err)
	}
	d.open(t)
	onsite, online := d.codes(t, 3, voting.ChannelOnsite), d.codes(t, 1, voting.ChannelOnline)
	if !strings.HasPrefix(onsite[0].URL, "https://maeul.test/v/"+d.a.Slug+"?code=") {
		t.Fatalf("QR URL %s", onsite[0].URL)
	}

	r1, err := d.submit(t, onsite[0].Code, "nonce-1", 0, 1)
	if err != nil || r1 == "" {
		t.Fatalf("first ballot: %q %v", r1, err)
	}
	// The phone lost the answer and sends the same form again.
	again, err := d.submit(t, onsite[0].Code, "nonce-1", 1, 0)
	if err != nil || again != r1 {
		t.Fatalf("retry with the same nonce: %q %v, want the receipt %q", again, err, r1)
	}
	// Back, other choices, cast again: the first ballot stands.
	changed, err := d.submit(t, onsite[0].Code, "nonce-1", 2)
	wantKey(t, err, maeul.ECONFLICT, "ballot.changed")
	if changed != r1 {
		t.Fatalf("changed ballot answered receipt %q, want %q", changed, r1)
	}
	_, err = d.submit(t, onsite[0].Code, "another form", 0)
	wantKey(t, err, maeul.ECONFLICT, "code.used")

	// The typed form of a code, and an online code.
	if _, err := d.submit(t, strings.ToLower(onsite[1].Short), "nonce-2", 1); err != nil {
		t.Fatalf("typed code: %v", err)
	}
	if _, err := d.submit(t, online[0].Code, "nonce-3", 1, 2, 3); err != nil {
		t.Fatalf("online code: %v", err)
	}
	_, err = d.submit(t, onsite[2].Code, "nonce-4", 0, 1, 2, 3)
	wantKey(t, err, maeul.EINVALID, "ballot.too_many")

	// A revoked code is unknown.
	if err := d.svc.RevokeCode(ctx, d.host, d.a.ID, onsite[2].Short); err != nil {
		t.Fatal(err)
	}
	_, err = d.submit(t, onsite[2].Code, "nonce-5", 0)
	wantKey(t, err, maeul.ENOTFOUND, "code.unknown")

	// Paper ballots, all or none: one bad ballot stores none.
	_, err = d.svc.EnterPaper(ctx, d.host, d.a.ID, [][]voting.AgendaRef{d.refs(0), d.refs(0, 0)})
	wantKey(t, err, maeul.EINVALID, "ballot.duplicate")
	paper, err := d.svc.EnterPaper(ctx, d.host, d.a.ID, [][]voting.AgendaRef{d.refs(0), d.refs(4), d.refs(5)})
	if err != nil || len(paper) != 3 {
		t.Fatalf("paper: %v %v", paper, err)
	}
	if err := d.svc.CorrectPaper(ctx, d.host, d.a.ID, paper[1], d.refs(0, 5), false); err != nil {
		t.Fatalf("correct: %v", err)
	}
	if err := d.svc.CorrectPaper(ctx, d.host, d.a.ID, paper[2], nil, true); err != nil {
		t.Fatalf("void: %v", err)
	}

	r, err := d.svc.Close(ctx, d.host, d.a.ID)
	if err != nil || r.State != assembly.StateClosed || r.Ballots != 5 {
		t.Fatalf("close: %+v %v", r, err)
	}
	if r, err := d.svc.Close(ctx, d.host, d.a.ID); err != nil || r.Ballots != 5 {
		t.Fatalf("close again: %+v %v", r, err)
	}
	c, err := voting.CountBallots(ctx, d.db.Pool, d.a)
	if err != nil {
		t.Fatal(err)
	}
	// onsite: {0,1}, {1}; online: {1,2,3}; paper: {0}, {0,5}. The online
	// channel has fewer than k ballots, so at close the phones' ballots
	// were mixed as one group labelled "mixed": its one ballot hides among
	// the onsite ones, in the stored rows as in any split by channel.
	if c.Ballots != 5 || c.Channels[voting.ChannelMixed] != 3 || c.Channels[voting.ChannelOnsite] != 0 || c.Channels[voting.ChannelPaper] != 2 {
		t.Fatalf("counts %+v", c)
	}
	want := map[int]map[string]int64{
		0: {voting.ChannelMixed: 1, voting.ChannelPaper: 2},
		1: {voting.ChannelMixed: 3},
		2: {voting.ChannelMixed: 1},
		3: {voting.ChannelMixed: 1},
		5: {voting.ChannelPaper: 1},
	}
	if len(c.Agendas) != len(want) {
		t.Fatalf("agendas counted %v, want %v", c.Agendas, want)
	}
	for i, chs := range want {
		got := c.Agendas[d.agendas[i].ID]
		if len(got) != len(chs) {
			t.Fatalf("agenda %d: %v, want %v", i+1, got, chs)
		}
		for ch, n := range chs {
			if got[ch] != (voting.ChoiceCount{Votes: n, Points: n}) {
				t.Fatalf("agenda %d %s: %+v, want %d votes and points", i+1, ch, got[ch], n)
			}
		}
	}

	_, err = d.submit(t, onsite[1].Code, "late", 0)
	wantKey(t, err, maeul.ECONFLICT, "code.used")
	// Paper goes on after the close (TestPaperAfterClose); phones do not.

	a, err := assembly.FindAssembly(ctx, d.db.Pool, d.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := voting.Count(ctx, d.db.Pool, a)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Ballots != 5 || tl.CodesIssued != 3 || tl.CodesByChannel[voting.ChannelOnsite] != 2 || len(tl.Agendas) != len(d.agendas) {
		t.Fatalf("tally %+v", tl)
	}
	for i, g := range tl.Agendas {
		var n int64
		for _, v := range want[i] {
			n += v
		}
		if g.Number != i+1 || g.Votes == nil || *g.Votes != n || *g.Points != n {
			t.Fatalf("tally agenda %d: %+v, want %d", i+1, g, n)
		}
	}
	// The open, 2 issues of codes, 3 ballots, a revoke, a paper batch, 2
	// corrections and the first close each told the live hub; refusals and
	// the second close did not.
	if d.changes != 1+2+3+1+1+2+1 {
		t.Fatalf("%d changes", d.changes)
	}
}

// Ranked ballots score Borda points, and a sealed count hides them until
// the close.
func TestServiceRankedSealed(t *testing.T) {
	d := newDomain(t, servertest.FixtureOptions{Method: assembly.MethodRanked, MaxChoices: 3, Sealed: true})
	ctx := t.Context()
	d.open(t)
	codes := d.codes(t, 3, voting.ChannelOnsite)
	for i, choices := range [][]int{{0, 1, 2}, {1, 0}, {2}} {
		if _, err := d.submit(t, codes[i].Code, "n", choices...); err != nil {
			t.Fatalf("ballot %d: %v", i, err)
		}
	}
	if _, err := d.svc.EnterPaper(ctx, d.host, d.a.ID, [][]voting.AgendaRef{d.refs(1, 2, 0)}); err != nil {
		t.Fatal(err)
	}
	a, _ := assembly.FindAssembly(ctx, d.db.Pool, d.a.ID)
	tl, err := voting.Count(ctx, d.db.Pool, a)
	if err != nil || !tl.Sealed || tl.Ballots != 4 {
		t.Fatalf("sealed tally %+v %v", tl, err)
	}
	for _, g := range tl.Agendas {
		if g.Votes != nil || g.Points != nil {
			t.Fatalf("a sealed tally shows agenda %d: %+v", g.Number, g)
		}
	}
	if _, err := d.svc.Close(ctx, d.host, d.a.ID); err != nil {
		t.Fatal(err)
	}
	c, err := voting.CountBallots(ctx, d.db.Pool, d.a)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []voting.ChoiceCount{{Votes: 3, Points: 3 + 2 + 1}, {Votes: 3, Points: 2 + 3 + 3}, {Votes: 3, Points: 1 + 3 + 2}} {
		if got := c.Total(d.agendas[i].ID); got != w {
			t.Fatalf("agenda %d: %+v, want %+v", i+1, got, w)
		}
	}
	if got := c.Agendas[d.agendas[1].ID][voting.ChannelPaper]; got != (voting.ChoiceCount{Votes: 1, Points: 3}) {
		t.Fatalf("agenda 2 on paper: %+v", got)
	}

	a, _ = assembly.FindAssembly(ctx, d.db.Pool, d.a.ID)
	tl, err = voting.Count(ctx, d.db.Pool, a)
	if err != nil || tl.Sealed || *tl.Agendas[1].Points != 8 || *tl.Agendas[3].Votes != 0 {
		t.Fatalf("closed tally %+v %v", tl, err)
	}
}

// The paper desk: numbers as typed, corrections, the log and the count.
func TestServicePaperDesk(t *testing.T) {
	d := newDomain(t, servertest.FixtureOptions{})
	ctx := t.Context()
	err := d.svc.EnterPaperNumbers(ctx, d.host, d.a.ID, "1 3")
	wantKey(t, err, maeul.ECONFLICT, "ballot.not_open")
	d.open(t)
	if err := d.svc.EnterPaperNumbers(ctx, d.host, d.a.ID, "1, 3"); err != nil {
		t.Fatal(err)
	}
	err = d.svc.EnterPaperNumbers(ctx, d.host, d.a.ID, "1 9")
	wantKey(t, err, maeul.EINVALID, "paper.unknown_number")
	desk, err := d.svc.Desk(ctx, d.host, d.a.ID, 20)
	if err != nil || desk.Count != 1 || len(desk.Entries) != 1 || len(desk.Agendas) != len(d.agendas) {
		t.Fatalf("desk %+v %v", desk, err)
	}
	e := desk.Entries[0]
	if e.Action != "enter" || !e.Live || len(e.Numbers) != 2 || e.Numbers[0] != 1 || e.Numbers[1] != 3 || e.Staff != d.host.Email {
		t.Fatalf("entry %+v", e)
	}
	if err := d.svc.CorrectPaperNumbers(ctx, d.host, d.a.ID, e.BallotID, "2"); err != nil {
		t.Fatal(err)
	}
	err = d.svc.CorrectPaperNumbers(ctx, d.host, d.a.ID, "00000000-0000-0000-0000-000000000000", "2")
	wantKey(t, err, maeul.ENOTFOUND, "paper.no_ballot")
	log, err := d.svc.PaperEntries(ctx, d.host, d.a.ID, 10)
	if err != nil || len(log) != 2 || log[0].Action != "correct" || log[0].PrevNums[1] != 3 || log[0].Numbers[0] != 2 {
		t.Fatalf("log %+v %v", log, err)
	}
	other := &account.User{ID: d.host.ID, Role: account.RoleDong, District: d.a.District, Dong: "다른동"}
	_, err = d.svc.Desk(ctx, other, d.a.ID, 20)
	wantKey(t, err, maeul.EFORBIDDEN, "error.forbidden")
	if _, err := d.svc.Close(ctx, d.host, d.a.ID); err != nil {
		t.Fatal(err)
	}
	// The desk goes on after the close, and stops at the announcement.
	if err := d.svc.CorrectPaperNumbers(ctx, d.host, d.a.ID, e.BallotID, "3"); err != nil {
		t.Fatalf("correct after close: %v", err)
	}
	if _, err := d.db.Pool.Exec(ctx, `UPDATE assemblies SET state = 'announced', announced_at = now() WHERE id = $1`, d.a.ID); err != nil {
		t.Fatal(err)
	}
	err = d.svc.CorrectPaper(ctx, d.host, d.a.ID, e.BallotID, nil, true)
	wantKey(t, err, maeul.ECONFLICT, "paper.announced")
	_, err = d.svc.EnterPaper(ctx, d.host, d.a.ID, [][]voting.AgendaRef{d.refs(0)})
	wantKey(t, err, maeul.ECONFLICT, "paper.announced")
}

// A store failure names its operation and is still seen as the database
// being unavailable.
func TestServiceErrorsNameTheOperation(t *testing.T) {
	d := newDomain(t, servertest.FixtureOptions{})
	pool, err := database.Open(context.Background(), d.db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	svc := voting.NewService(pool, "https://maeul.test", nil, nil)
	svc.Secret = servertest.TestSecret
	_, err = svc.Stats(t.Context(), d.a)
	if err == nil || !strings.HasPrefix(err.Error(), "voting: code batches: ") || !database.IsUnavailable(err) {
		t.Fatalf("stats on a closed pool: %v", err)
	}
	_, err = voting.CountBallots(t.Context(), pool, d.a)
	if err == nil || !strings.HasPrefix(err.Error(), "voting: count ballots: ") || !database.IsUnavailable(err) {
		t.Fatalf("count on a closed pool: %v", err)
	}
}
