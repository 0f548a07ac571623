package rehearsal

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"maeul"
	"maeul/account"
	"maeul/database/dbtest"
)

// TestServiceWithoutHTTP starts runs through the Service on a real
// database, without the HTTP half: the copy is made, the run is stored and
// the copy is deleted at the end. The phones get no answer (nothing listens
// at SelfURL), so the run ends quickly as failed.
func TestServiceWithoutHTTP(t *testing.T) {
	db := dbtest.MustOpenDB(t)
	ctx := context.Background()
	st := account.NewService(db.Pool)
	host, err := st.AddUser(ctx, account.NewUser{Email: "dong@mapo.kr", Password: "long enough!", Role: account.RoleDong, District: "마포구", Dong: "성산1동"})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	start := time.Date(2026, 7, 15, 14, 0, 0, 0, time.UTC)
	if err := db.Pool.QueryRow(ctx, `INSERT INTO assemblies (slug, district, dong, title, starts_at, ends_at, budget_cap, method, max_choices, state)
		VALUES ('seongsan-2026', '마포구', '성산1동', '성산1동 마을총회', $1, $2, 30000000, 'approval', 2, 'published') RETURNING id`,
		start, start.Add(3*time.Hour)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for i, title := range []string{"놀이터", "도서관"} {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO agendas (assembly_id, number, title, summary, location, cost)
			VALUES ($1, $2, $3, '내용', '위치', 5000000)`, id, i+1, title); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.Pool.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const copies = `SELECT count(*) FROM assemblies WHERE rehearsal_of IS NOT NULL`

	// A port where nothing listens: every phone's request is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	var issued []int64
	issue := func(ctx context.Context, u *account.User, copyID int64, n int) ([]string, error) {
		issued = append(issued, copyID)
		codes := make([]string, n)
		for i := range codes {
			codes[i] = "CODE" + strings.Repeat("X", i%5)
		}
		return codes, nil
	}
	svc := NewService(ctx, db.Pool, nil, issue, func() string { return dead })

	t.Run("lookup by id or slug", func(t *testing.T) {
		if a, err := svc.Lookup(ctx, id, ""); err != nil || a.Slug != "seongsan-2026" {
			t.Fatal(a, err)
		}
		if a, err := svc.Lookup(ctx, 0, "seongsan-2026"); err != nil || a.ID != id {
			t.Fatal(a, err)
		}
		if _, err := svc.Lookup(ctx, 0, "nope-nope"); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatal(err)
		}
	})
	t.Run("refusals make no copy", func(t *testing.T) {
		other := &account.User{ID: host.ID, Role: account.RoleDong, District: "마포구", Dong: "망원1동"}
		for name, c := range map[string]struct {
			u      *account.User
			phones int
			dur    time.Duration
			code   string
		}{
			"no phones":           {host, 0, time.Minute, maeul.EINVALID},
			"too many phones":     {host, MaxPhones + 1, time.Minute, maeul.EINVALID},
			"too short":           {host, 5, 5 * time.Second, maeul.EINVALID},
			"another dong's host": {other, 5, time.Minute, maeul.EFORBIDDEN},
		} {
			if _, err := svc.Start(ctx, c.u, id, c.phones, c.dur); maeul.ErrorCode(err) != c.code {
				t.Errorf("%s: got %v, want %s", name, err, c.code)
			}
		}
		if _, err := svc.Readable(ctx, other, id); maeul.ErrorCode(err) != maeul.EFORBIDDEN {
			t.Errorf("another dong's host reads: %v", err)
		}
		if n := count(copies); n != 0 || len(issued) != 0 {
			t.Fatalf("%d copies, %d issues", n, len(issued))
		}
	})
	t.Run("the copy is removed when the codes cannot be issued", func(t *testing.T) {
		failing := NewService(ctx, db.Pool, nil, func(context.Context, *account.User, int64, int) ([]string, error) {
			return nil, errors.New("no codes today")
		}, func() string { return dead })
		_, err := failing.Start(ctx, host, id, 5, time.Minute)
		if err == nil || !strings.Contains(err.Error(), "rehearsal: issue codes: no codes today") {
			t.Fatalf("got %v", err)
		}
		if n := count(copies); n != 0 {
			t.Fatalf("%d copies left", n)
		}
		if n := count(`SELECT count(*) FROM rehearsal_runs`); n != 0 {
			t.Fatalf("%d runs stored", n)
		}
	})
	t.Run("a run on a copy, then the copy is gone", func(t *testing.T) {
		const phones = 6
		r, err := svc.Start(ctx, host, id, phones, MinSeconds*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != "running" || !strings.HasPrefix(r.CopySlug, "rh-") || r.Phones != phones || r.CopyID == nil {
			t.Fatalf("%+v", r)
		}
		if len(issued) != 1 || issued[0] != *r.CopyID {
			t.Fatalf("codes issued for %v, want the copy %d", issued, *r.CopyID)
		}
		cp, err := svc.Lookup(ctx, 0, r.CopySlug)
		if err != nil || !cp.IsRehearsal() {
			t.Fatalf("the copy: %v %+v", err, cp)
		}
		if n := count(`SELECT count(*) FROM agendas WHERE assembly_id = ` + strconv.FormatInt(cp.ID, 10)); n != 2 {
			t.Fatalf("the copy has %d agendas", n)
		}
		if _, err := svc.Start(ctx, host, cp.ID, 5, time.Minute); maeul.ErrorCode(err) != maeul.ECONFLICT {
			t.Fatalf("a rehearsal of the copy: %v", err)
		}
		gu := &account.User{Role: account.RoleDistrict, District: "마포구"}
		if _, a, err := svc.ReadableRun(ctx, gu, r.ID); err != nil || a.ID != id {
			t.Fatalf("the district reads the run: %v", err)
		}
		if _, _, err := svc.ReadableRun(ctx, &account.User{Role: account.RoleDistrict, District: "종로구"}, r.ID); maeul.ErrorCode(err) != maeul.EFORBIDDEN {
			t.Fatalf("another district reads the run: %v", err)
		}

		svc.Wait()
		done, err := svc.Find(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.State != "failed" || done.CopyID != nil || done.FinishedAt == nil || !done.Progress.Finished {
			t.Fatalf("%+v", done)
		}
		rep := done.Progress.Report
		if rep == nil || rep.Accepted != 0 || rep.Errors["open: network"] != phones {
			t.Fatalf("report %+v", rep)
		}
		if !strings.Contains(done.Report, "접수된 투표 0건 / 오류 6건") {
			t.Fatalf("report text:\n%s", done.Report)
		}
		if n := count(copies); n != 0 {
			t.Fatalf("%d copies left after the run", n)
		}
		runs, err := svc.Recent(ctx, id)
		if err != nil || len(runs) != 1 || runs[0].ID != r.ID {
			t.Fatalf("recent: %v %d", err, len(runs))
		}
		if _, err := svc.Find(ctx, r.ID+1); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("unknown run: %v", err)
		}
	})
}
