package result_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/database/dbtest"
	"maeul/result"
	"maeul/server/servertest"
)

// Domain tests: the Service on a real database, without HTTP. The fixture
// helpers of main_test.go only need e.DB, so no server is started.

// domain is a database, the results Service on it and the hosts.
type domain struct {
	e                                      *servertest.Env
	svc                                    *result.Service
	changed                                []int64
	dong, other, district, otherDist, city *account.User
}

func newDomain(t *testing.T) *domain {
	t.Helper()
	d := &domain{e: &servertest.Env{DB: dbtest.MustOpenDB(t)}}
	d.svc = result.NewService(d.e.DB.Pool, func(id int64) { d.changed = append(d.changed, id) })
	// Hosts straight into the table: the domain never reads the password
	// (and hashing one costs seconds under -race).
	n := 0
	user := func(role, district, dong string) *account.User {
		n++
		u := &account.User{Email: fmt.Sprintf("svc%d@example.kr", n), Role: role, District: district, Dong: dong}
		if err := d.e.DB.Pool.QueryRow(context.Background(), `INSERT INTO users (email, password_hash, role, district, dong)
			VALUES ($1, 'x', $2, $3, $4) RETURNING id`, u.Email, role, district, dong).Scan(&u.ID); err != nil {
			t.Fatal(err)
		}
		return u
	}
	d.dong = user(account.RoleDong, "마포구", "성산1동")
	d.other = user(account.RoleDong, "마포구", "망원1동")
	d.district = user(account.RoleDistrict, "마포구", "")
	d.otherDist = user(account.RoleDistrict, "강남구", "")
	d.city = user(account.RoleCity, "", "")
	return d
}

// announced makes a closed vote with the standard votes and announces it as
// the dong's host.
func (d *domain) announced(t *testing.T, host *account.User, o servertest.FixtureOptions) (*assembly.Assembly, []assembly.Agenda) {
	t.Helper()
	a, gs, _ := closedVote(t, d.e, o, standardVotes())
	if _, err := d.svc.Announce(context.Background(), a.ID, host); err != nil {
		t.Fatal(err)
	}
	return a, gs
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return maeul.ErrorCode(err)
}

func numbers(r *result.Result) []int {
	var out []int
	for _, g := range r.Agendas {
		out = append(out, g.Number)
	}
	return out
}

func TestServiceRankAndAnnounce(t *testing.T) {
	d := newDomain(t)
	ctx := context.Background()
	a, _, _ := closedVote(t, d.e, servertest.FixtureOptions{}, standardVotes())

	r, err := d.svc.Result(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 6, 3, 5, 4}; !slices.Equal(numbers(r), want) || r.Allocated != 28_000_000 || r.Frozen {
		t.Fatalf("closed result: order %v allocated %d frozen %v", numbers(r), r.Allocated, r.Frozen)
	}
	if r.Ballots != 12 || r.Channels["onsite"] != 6 || r.Channels["online"] != 4 || r.Channels["paper"] != 2 {
		t.Fatalf("ballots %d, channels %v", r.Ballots, r.Channels)
	}
	// Every channel has fewer than k = 10 ballots: the split of choices by
	// channel is withheld (a channel's few ballots could be read off it).
	if len(r.ByChannel) != 0 || len(r.Agendas[0].Channels) != 0 {
		t.Fatalf("split by channel shown with fewer than k ballots a channel: %+v %+v", r.ByChannel, r.Agendas[0].Channels)
	}
	// With k = 1 (a service configured so) it is shown. Agenda 1: 5 onsite,
	// 3 online, 2 paper.
	d.svc.K = 1
	r1, err := d.svc.Result(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	d.svc.K = 0
	if ch := r1.Agendas[0].Channels; ch["onsite"].Votes != 5 || ch["online"].Votes != 3 || ch["paper"].Votes != 2 {
		t.Fatalf("agenda 1 by channel: %+v", ch)
	}

	if _, err := d.svc.Announce(ctx, a.ID, d.other); code(err) != maeul.EFORBIDDEN {
		t.Fatalf("another dong announces: %v", err)
	}
	if len(d.changed) != 0 {
		t.Fatal("a refused announcement told the live viewers")
	}
	frozen, err := d.svc.Announce(ctx, a.ID, d.dong)
	if err != nil {
		t.Fatal(err)
	}
	if !frozen.Frozen || len(frozen.SHA256) != 64 || !slices.Equal(numbers(frozen), numbers(r)) {
		t.Fatalf("announced: %+v", frozen)
	}
	if !slices.Equal(d.changed, []int64{a.ID}) {
		t.Fatalf("OnChange heard %v", d.changed)
	}
	if _, err := d.svc.Announce(ctx, a.ID, d.dong); code(err) != maeul.ECONFLICT {
		t.Fatalf("announcing twice: %v", err)
	}
	a, err = d.svc.Assembly(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := d.svc.Result(ctx, a)
	if err != nil || again.SHA256 != frozen.SHA256 || again.State != assembly.StateAnnounced {
		t.Fatalf("the snapshot read back: %v %+v", err, again)
	}
	pb, err := d.svc.Pabulib(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := result.ParsePabulib(bytes.NewReader(pb)); err != nil || len(f.Votes) != 12 {
		t.Fatalf("the stored Pabulib file: %v", err)
	}
	es, err := d.svc.Audit(ctx, d.dong, "ko", "", "", 10)
	if err != nil || len(es) != 1 || es[0].Action != "announce" {
		t.Fatalf("audit: %v %+v", err, es)
	}
}

func TestServiceRankedPoints(t *testing.T) {
	d := newDomain(t)
	// Ranked, three choices: position p scores 3 − p + 1.
	a, _, _ := closedVote(t, d.e, servertest.FixtureOptions{Method: assembly.MethodRanked, Costs: []int64{1_000_000, 1_000_000, 1_000_000}},
		[]vote{{"onsite", []int{1, 2, 3}}, {"paper", []int{3, 1}}, {"online", []int{2}}})
	r, err := d.svc.Result(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	points := map[int]int64{}
	for _, g := range r.Agendas {
		points[g.Number] = g.Points
	}
	// 1: 3 + 2; 2: 2 + 3; 3: 1 + 3. Ties (5, 5) by cost, then number.
	if points[1] != 5 || points[2] != 5 || points[3] != 4 || !slices.Equal(numbers(r), []int{1, 2, 3}) {
		t.Fatalf("points %v, order %v", points, numbers(r))
	}
	if r.Channels["paper"] != 1 || len(r.Agendas[2].Channels) != 0 {
		t.Fatalf("a channel of one ballot shows its choices: %+v", r.Agendas[2].Channels)
	}
	d.svc.K = 1
	r, err = d.svc.Result(context.Background(), a)
	d.svc.K = 0
	if err != nil || r.Agendas[2].Channels["paper"].Points != 3 {
		t.Fatalf("agenda 3 by channel: %+v", r.Agendas[2].Channels)
	}
}

func TestServiceSubmitReturnResubmit(t *testing.T) {
	d := newDomain(t)
	ctx := context.Background()
	a, _ := d.announced(t, d.dong, servertest.FixtureOptions{})
	if _, err := d.svc.Submit(ctx, a.ID, d.district, ""); code(err) != maeul.EFORBIDDEN {
		t.Fatalf("the district submits for the dong: %v", err)
	}
	rec, err := d.svc.Submit(ctx, a.ID, d.dong, "")
	if err != nil || rec.State != result.SubmissionSubmitted || len(rec.SHA256) != 64 {
		t.Fatalf("submit: %v %+v", err, rec)
	}
	if _, err := d.svc.Submit(ctx, a.ID, d.dong, ""); code(err) != maeul.ECONFLICT {
		t.Fatalf("submitting twice: %v", err)
	}
	for _, u := range []*account.User{d.otherDist, d.city, d.dong} {
		if _, err := d.svc.Return(ctx, rec.ID, u, "x"); code(err) != maeul.EFORBIDDEN {
			t.Fatalf("%s %s returns: %v", u.Role, u.District, err)
		}
	}
	if _, err := d.svc.Return(ctx, rec.ID, d.district, "  "); code(err) != maeul.EINVALID {
		t.Fatalf("return without a reason: %v", err)
	}
	if _, err := d.svc.Return(ctx, 999999, d.district, "x"); code(err) != maeul.ENOTFOUND {
		t.Fatalf("returning no submission: %v", err)
	}
	back, err := d.svc.Return(ctx, rec.ID, d.district, "사업비 근거")
	if err != nil || back.State != result.SubmissionReturned || back.ReturnReason != "사업비 근거" {
		t.Fatalf("return: %v %+v", err, back)
	}
	if _, err := d.svc.Return(ctx, rec.ID, d.district, "again"); code(err) != maeul.ECONFLICT {
		t.Fatalf("returning twice: %v", err)
	}
	again, err := d.svc.Submit(ctx, a.ID, d.dong, "")
	if err != nil || again.ID != rec.ID || again.State != result.SubmissionSubmitted || again.ReturnReason != "" {
		t.Fatalf("resubmit: %v %+v", err, again)
	}
}

func TestServiceDesignate(t *testing.T) {
	d := newDomain(t)
	ctx := context.Background()
	a, gs := d.announced(t, d.dong, servertest.FixtureOptions{})
	_, other := d.announced(t, d.other, servertest.FixtureOptions{District: "마포구", Dong: "망원1동"})
	rec, err := d.svc.Submit(ctx, a.ID, d.dong, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Designate(ctx, rec.ID, d.dong, []result.Designation{{AgendaID: gs[0].IDString(), Department: "x"}}); code(err) != maeul.EFORBIDDEN {
		t.Fatalf("the dong designates: %v", err)
	}
	if _, err := d.svc.Designate(ctx, rec.ID, d.district, []result.Designation{{AgendaID: other[0].IDString(), Department: "x"}}); code(err) != maeul.EINVALID {
		t.Fatalf("an agenda of another assembly: %v", err)
	}
	// All or nothing: the good first designation is not written either.
	if _, err := d.svc.Designate(ctx, rec.ID, d.district, []result.Designation{{AgendaID: gs[0].IDString(), Department: "마을공동체과"},
		{AgendaID: gs[1].IDString(), Department: strings.Repeat("가", 101)}}); code(err) != maeul.EINVALID {
		t.Fatalf("a department too long: %v", err)
	}
	view, _, err := d.svc.View(ctx, rec)
	if err != nil || view.CurrentSHA256 != rec.SHA256 {
		t.Fatalf("a refused designation changed the content: %v", err)
	}
	if _, err := d.svc.Designate(ctx, rec.ID, d.district, []result.Designation{{AgendaID: gs[0].IDString(), Department: "마을공동체과"}}); err != nil {
		t.Fatal(err)
	}
	view, _, err = d.svc.View(ctx, rec)
	if err != nil || view.CurrentSHA256 == rec.SHA256 {
		t.Fatalf("the designation did not change the current content: %v", err)
	}
	found := false
	for _, row := range view.Current.Rows {
		found = found || (row.AgendaID == gs[0].IDString() && row.ExecutingDepartment == "마을공동체과")
	}
	if !found {
		t.Fatal("실행부서 is not in the current content")
	}
	if _, err := d.svc.Return(ctx, rec.ID, d.district, "보완"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Designate(ctx, rec.ID, d.district, []result.Designation{{AgendaID: gs[0].IDString(), Department: "y"}}); code(err) != maeul.ECONFLICT {
		t.Fatalf("designating on a returned list: %v", err)
	}
}

func TestServiceForwardAndCity(t *testing.T) {
	d := newDomain(t)
	ctx := context.Background()
	a, _ := d.announced(t, d.dong, servertest.FixtureOptions{})
	b, _ := d.announced(t, d.other, servertest.FixtureOptions{District: "마포구", Dong: "망원1동"})
	if _, err := d.svc.Forward(ctx, "마포구", 2026, d.district); code(err) != maeul.ECONFLICT {
		t.Fatalf("forwarding with nothing waiting: %v", err)
	}
	recA, err := d.svc.Submit(ctx, a.ID, d.dong, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Submit(ctx, b.ID, d.other, ""); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*account.User{d.otherDist, d.dong, d.city} {
		if _, err := d.svc.Forward(ctx, "마포구", 2026, u); code(err) != maeul.EFORBIDDEN {
			t.Fatalf("%s %s forwards: %v", u.Role, u.District, err)
		}
	}
	f, err := d.svc.Forward(ctx, "마포구", 2026, d.district)
	if err != nil || f.Dongs != 2 || len(f.SHA256) != 64 {
		t.Fatalf("forward: %v %+v", err, f)
	}
	if _, err := d.svc.Return(ctx, recA.ID, d.district, "늦은 반려"); code(err) != maeul.ECONFLICT {
		t.Fatalf("returning a forwarded list: %v", err)
	}
	st, err := d.svc.DistrictStatus(ctx, d.district, "마포구", 2026)
	if err != nil || st.Totals.Forwarded != 2 || st.Waiting != 0 || len(st.Forwards) != 1 {
		t.Fatalf("district status: %v %+v", err, st)
	}
	if _, err := d.svc.DistrictStatus(ctx, d.otherDist, "마포구", 2026); code(err) != maeul.EFORBIDDEN {
		t.Fatalf("another district reads the status: %v", err)
	}
	if _, err := d.svc.CityStatus(ctx, d.district, 2026); code(err) != maeul.EFORBIDDEN {
		t.Fatalf("a district reads the city status: %v", err)
	}
	cl, err := d.svc.CityList(ctx, d.city, 2026)
	if err != nil || len(cl.Submissions) != 2 || cl.Submissions[0].Dong != "망원1동" || cl.Submissions[1].Dong != "성산1동" {
		t.Fatalf("city list: %v %+v", err, cl)
	}
	cs, err := d.svc.CityStatus(ctx, d.city, 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range cs.Districts {
		if line.District == "마포구" && (!line.Forwarded || line.LastSHA256 != f.SHA256) {
			t.Fatalf("마포구 on the city page: %+v", line)
		}
	}
}

// Running counts that disagree with the ballots (a bug, or someone editing
// tally_agendas in the database) stop the announcement: nothing is frozen.
func TestServiceAnnounceRefusesTamperedCounts(t *testing.T) {
	d := newDomain(t)
	ctx := context.Background()
	a, gs, _ := closedVote(t, d.e, servertest.FixtureOptions{}, standardVotes())
	if _, err := d.e.DB.Pool.Exec(ctx, `UPDATE tally_agendas SET votes = votes + 1 WHERE assembly_id = $1 AND agenda_id = $2`,
		a.ID, gs[3].ID); err != nil {
		t.Fatal(err)
	}
	_, err := d.svc.Announce(ctx, a.ID, d.dong)
	var e *maeul.Error
	if !errors.As(err, &e) || e.Key != "result.recount_mismatch" {
		t.Fatalf("announce over tampered counts: %v", err)
	}
	var state string
	var frozen int
	d.e.DB.Pool.QueryRow(ctx, `SELECT state, (SELECT count(*) FROM results WHERE assembly_id = $1) FROM assemblies WHERE id = $1`, a.ID).Scan(&state, &frozen)
	if state != "closed" || frozen != 0 {
		t.Fatalf("after a refused announce: state %s, %d snapshots", state, frozen)
	}
}
