package planning_test

import (
	"context"
	"testing"
	"time"

	"maeul/account"
	"maeul/assembly"
	"maeul/database/dbtest"
	"maeul/planning"
)

// The final review is due one month before the assembly: missing a second
// before the mark is not late, a second after it is; an answer given a
// second after it is late. Calendar months: an assembly on 3.31 is due 2.28
// (Go's AddDate normalises 2.31 to 3.3; the seed's 1개월 전 is checked as
// written: AddDate(0, -1, 0)).
func TestReviewDeadlineAroundTheMonth(t *testing.T) {
	db := dbtest.MustOpenDB(t)
	ctx := context.Background()
	kst := time.FixedZone("KST", 9*3600)
	starts := time.Date(2027, 7, 15, 14, 0, 0, 0, kst)
	var aid, gid int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO assemblies (slug, district, dong, title, place, starts_at, ends_at, budget_cap, method, max_choices)
		VALUES ('deadline', '마포구', '성산1동', '총회', '강당', $1, $1::timestamptz + interval '2 hours', 30000000, 'approval', 3) RETURNING id`,
		starts).Scan(&aid); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `INSERT INTO agendas (assembly_id, number, title, cost, district_department)
		VALUES ($1, 1, '의제', 1000, '공원녹지과') RETURNING id`, aid).Scan(&gid); err != nil {
		t.Fatal(err)
	}
	svc := planning.NewService(db.Pool, assembly.NewService(db.Pool))
	district := &account.User{Role: account.RoleDistrict, District: "마포구"}
	deadline := time.Date(2027, 6, 15, 14, 0, 0, 0, kst)
	check := func(at time.Time, missing, late bool) {
		t.Helper()
		svc.Now = func() time.Time { return at }
		list, err := svc.ReviewStatus(ctx, district, 2027, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || !list[0].Deadline.Equal(deadline) || list[0].Missing != missing || list[0].Late != late {
			t.Fatalf("at %v: %+v", at, list)
		}
	}
	check(deadline.Add(-time.Second), true, false)
	check(deadline, true, false)
	check(deadline.Add(time.Second), true, true)
	done, err := svc.ReviewsDoneAt(ctx, 2027, "마포구", "성산1동")
	if err != nil || done != nil {
		t.Fatalf("done before any review: %v %v", done, err)
	}
	// Answered a second after the mark: there, but late.
	answered := deadline.Add(time.Second)
	if _, err := db.Pool.Exec(ctx, `INSERT INTO planning_reviews (agenda_id, kind, round, district, department, answered_at,
		overview, law_conflict, ineligible, assessment, verdict) VALUES ($1, 'final', 0, '마포구', '공원녹지과', $2, '개요', false, false, '평가', 'adequate')`,
		gid, answered); err != nil {
		t.Fatal(err)
	}
	check(deadline.Add(time.Hour), false, true)
	done, err = svc.ReviewsDoneAt(ctx, 2027, "마포구", "성산1동")
	if err != nil || done == nil || !done.Equal(answered) {
		t.Fatalf("done at %v, %v", done, err)
	}
	// A city host must name the district; a department has no such list.
	if _, err := svc.ReviewStatus(ctx, &account.User{Role: account.RoleDepartment, District: "마포구", Department: "공원녹지과"}, 2027, "", ""); err == nil {
		t.Fatal("a department read the district's status")
	}
}
