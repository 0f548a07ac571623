package council

import (
	"context"
	"strings"
	"testing"

	"maeul"
	"maeul/account"
	"maeul/database/dbtest"
)

// TestServiceWithoutHTTP runs the roster rules and the store on a real
// database through the Service, as the pages do but without them.
func TestServiceWithoutHTTP(t *testing.T) {
	db := dbtest.MustOpenDB(t)
	svc := NewService(db.Pool)
	ctx := context.Background()
	st := account.NewService(db.Pool)
	host, err := st.AddUser(ctx, account.NewUser{Email: "dong@mapo.kr", Password: "long enough!", Role: account.RoleDong, District: "마포구", Dong: "성산1동"})
	if err != nil {
		t.Fatal(err)
	}
	const year = 2026
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.Pool.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("no roster yet", func(t *testing.T) {
		if _, err := svc.Sheet(ctx, "마포구", "성산1동", year); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("got %v, want ENOTFOUND", err)
		}
		if err := svc.DeleteNames(ctx, "마포구", "성산1동", year); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("delete names: got %v, want ENOTFOUND", err)
		}
		if err := svc.SetType(ctx, "마포구", "성산1동", year, TypePlanned); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("set type: got %v, want ENOTFOUND", err)
		}
	})
	t.Run("save: 17 of 30 men passes, counts kept, names not", func(t *testing.T) {
		r, err := svc.Save(ctx, Upload{District: "마포구", Dong: "성산1동", PlanYear: year, UploadedBy: host.ID, Members: crowd(30, 17, 15, 3)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != 30 || r.Male != 17 || r.Female != 13 || r.Committee != 15 || r.General != 15 || r.Age39 != 3 || r.KeepNames || r.Type() != "" {
			t.Fatalf("%+v", r)
		}
		sh, err := svc.Sheet(ctx, "마포구", "성산1동", year)
		if err != nil {
			t.Fatal(err)
		}
		if !sh.AllOK || len(sh.Rules) != 4 || sh.Members != nil || sh.Roster.ID != r.ID {
			t.Fatalf("%+v", sh)
		}
		if n := count(`SELECT count(*) FROM council_members`); n != 0 {
			t.Fatalf("%d names stored without 명단 보관", n)
		}
	})
	t.Run("a new list replaces the old; failing rules are reported", func(t *testing.T) {
		if _, err := svc.Save(ctx, Upload{District: "마포구", Dong: "성산1동", PlanYear: year, Members: crowd(29, 18, 14, 2)}); err != nil {
			t.Fatal(err)
		}
		sh, err := svc.Sheet(ctx, "마포구", "성산1동", year)
		if err != nil {
			t.Fatal(err)
		}
		var failed []string
		for _, r := range sh.Rules {
			if !r.OK {
				failed = append(failed, r.Key)
			}
		}
		if sh.AllOK || strings.Join(failed, " ") != "council.rule.members council.rule.gender council.rule.young" {
			t.Fatalf("failing rules %v", failed)
		}
		if n := count(`SELECT count(*) FROM council_rosters`); n != 1 {
			t.Fatalf("%d rosters, want the one replaced", n)
		}
	})
	t.Run("kept names, the type, then names deleted and counts kept", func(t *testing.T) {
		_, err := svc.Save(ctx, Upload{District: "마포구", Dong: "성산1동", PlanYear: year, KeepNames: true, CouncilType: TypeAutonomous, Members: crowd(32, 16, 10, 4)})
		if err != nil {
			t.Fatal(err)
		}
		sh, err := svc.Sheet(ctx, "마포구", "성산1동", year)
		if err != nil {
			t.Fatal(err)
		}
		if len(sh.Members) != 32 || sh.Members[0].Row != 2 || sh.Roster.Type() != TypeAutonomous {
			t.Fatalf("%d members, type %q", len(sh.Members), sh.Roster.Type())
		}
		if err := svc.SetType(ctx, "마포구", "성산1동", year, TypePlanned); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetType(ctx, "마포구", "성산1동", year, "mayoral"); maeul.ErrorCode(err) != maeul.EINVALID {
			t.Fatalf("bad type: %v", err)
		}
		if err := svc.DeleteNames(ctx, "마포구", "성산1동", year); err != nil {
			t.Fatal(err)
		}
		sh, err = svc.Sheet(ctx, "마포구", "성산1동", year)
		if err != nil {
			t.Fatal(err)
		}
		if sh.Members != nil || sh.Roster.KeepNames || sh.Roster.Total != 32 || sh.Roster.Type() != TypePlanned {
			t.Fatalf("after 명단 삭제: %+v", sh.Roster)
		}
		if n := count(`SELECT count(*) FROM council_members`); n != 0 {
			t.Fatalf("%d names left", n)
		}
	})
	t.Run("refused uploads store nothing", func(t *testing.T) {
		if _, err := svc.Save(ctx, Upload{District: "마포구", Dong: "망원1동", PlanYear: year}); maeul.ErrorCode(err) != maeul.EINVALID {
			t.Fatalf("empty list: %v", err)
		}
		if _, err := svc.Save(ctx, Upload{District: "마포구", Dong: "망원1동", PlanYear: year, CouncilType: "x", Members: crowd(30, 15, 0, 3)}); maeul.ErrorCode(err) != maeul.EINVALID {
			t.Fatalf("bad type: %v", err)
		}
		if n := count(`SELECT count(*) FROM council_rosters WHERE dong = '망원1동'`); n != 0 {
			t.Fatalf("%d rosters stored", n)
		}
	})
	t.Run("import a file as the dong host", func(t *testing.T) {
		bad := "이름,성별,출생연도,소속\n김,남,1980,\n이,X,1980,\n"
		r, rowErrs, err := svc.Import(ctx, host, File{Name: "bad.csv", Data: []byte(bad), PlanYear: 2027, KeepNames: true})
		if err != nil || r != nil || len(rowErrs) != 1 || rowErrs[0].Row != 3 {
			t.Fatalf("%v %v %+v", r, err, rowErrs)
		}
		if _, err := svc.Find(ctx, "마포구", "성산1동", 2027); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("a bad file was saved: %v", err)
		}
		good := "이름,성별,출생연도,소속\n김,남,1990,\n이,여,1960,통장\n"
		r, rowErrs, err = svc.Import(ctx, host, File{Name: "good.csv", Data: []byte(good), PlanYear: 2027})
		if err != nil || len(rowErrs) > 0 || r.District != "마포구" || r.Dong != "성산1동" || r.Total != 2 || r.Tong != 1 {
			t.Fatalf("%+v %v %+v", r, err, rowErrs)
		}
		gu := &account.User{ID: host.ID, Role: account.RoleDistrict, District: "마포구"}
		if _, _, err := svc.Import(ctx, gu, File{Name: "good.csv", Data: []byte(good), PlanYear: 2027}); maeul.ErrorCode(err) != maeul.EFORBIDDEN {
			t.Fatalf("a district host imported: %v", err)
		}
	})
	t.Run("the list and who reads which dong", func(t *testing.T) {
		if _, err := svc.Save(ctx, Upload{District: "종로구", Dong: "청운효자동", PlanYear: year, Members: crowd(30, 15, 0, 3)}); err != nil {
			t.Fatal(err)
		}
		mapo, err := svc.List(ctx, "마포구", year)
		if err != nil || len(mapo) != 1 || mapo[0].Dong != "성산1동" {
			t.Fatalf("district list: %v %d", err, len(mapo))
		}
		all, err := svc.List(ctx, "", year)
		if err != nil || len(all) != 2 || all[0].District != "마포구" {
			t.Fatalf("city list: %v %d", err, len(all))
		}
		gu := &account.User{Role: account.RoleDistrict, District: "마포구"}
		if _, _, ok, err := ReadableDong(gu, "", ""); ok || err != nil {
			t.Fatalf("district host without a dong: ok=%v err=%v", ok, err)
		}
		if d, dn, ok, err := ReadableDong(host, " ", ""); !ok || err != nil || d != "마포구" || dn != "성산1동" {
			t.Fatalf("dong host's own dong: %s %s %v %v", d, dn, ok, err)
		}
		if _, _, _, err := ReadableDong(host, "마포구", "망원1동"); maeul.ErrorCode(err) != maeul.EFORBIDDEN {
			t.Fatalf("another dong: %v", err)
		}
		if _, _, _, err := ReadableDong(gu, "종로구", "청운효자동"); maeul.ErrorCode(err) != maeul.EFORBIDDEN {
			t.Fatalf("another district: %v", err)
		}
	})
}
