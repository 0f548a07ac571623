package assembly_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"maeul"
	"maeul/assembly"
	"maeul/database/dbtest"
)

// The domain half without HTTP: the Service on a real database.

func newService(t *testing.T) (*assembly.Service, *dbtest.DB, *[]int64) {
	t.Helper()
	db := dbtest.MustOpenDB(t)
	s := assembly.NewService(db.Pool)
	var changed []int64
	s.OnChange = func(id int64) { changed = append(changed, id) }
	return s, db, &changed
}

func goodInput() assembly.AssemblyInput {
	kst := time.FixedZone("KST", 9*3600)
	from, until := time.Date(2027, 7, 8, 9, 0, 0, 0, kst), time.Date(2027, 7, 15, 14, 0, 0, 0, kst)
	return assembly.AssemblyInput{District: "마포구", Dong: "성산1동", Title: "2027 성산1동 마을총회",
		Place: "주민센터", StartsAt: time.Date(2027, 7, 15, 14, 0, 0, 0, kst), EndsAt: time.Date(2027, 7, 15, 17, 0, 0, 0, kst),
		BudgetCap: 30_000_000, Method: assembly.MethodApproval, MaxChoices: 3, OnlineFrom: &from, OnlineUntil: &until}
}

func TestServiceAssemblyLifecycle(t *testing.T) {
	ctx := context.Background()
	s, db, changed := newService(t)

	a, err := s.CreateAssembly(ctx, goodInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.State != assembly.StateDraft || a.TieBreak != assembly.TieBreakCostAsc || !strings.HasPrefix(a.Slug, "seongsan1-2027") {
		t.Errorf("created %+v", a)
	}
	// Publishing needs an agenda.
	if _, err := s.Publish(ctx, a.ID); maeul.ErrorCode(err) != maeul.EINVALID {
		t.Errorf("publish without agendas: %v", err)
	}

	// Agendas through the Service, every field stored in its column.
	in := assembly.AgendaInput{Title: "  골목 안심 조명  ", Summary: "조명 설치", Location: "골목 12곳", Cost: 12_000_000,
		CapitalSubsidy: 12_000_000, DistrictDepartment: "안전총괄과", CityDepartment: "지역공동체담당관",
		Subcommittee: "안전분과", Proposer: "주민 모임", ExecutionType: assembly.ExecPublic, DraftingRound: 3,
		Purpose: "귀갓길", Period: "2028년", Executor: "구청", Approach: "설치", RelatedParties: "경찰서",
		FuturePlan: "점검", Remarks: "비고"}
	g1, err := s.AddAgenda(ctx, a.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	// The review is the department's (package planning fills it).
	if err := assembly.SetReview(ctx, db.Pool, g1.ID, "adequate", "안전총괄과", "적정"); err != nil {
		t.Fatal(err)
	}
	in.ReviewResult = "adequate"
	if _, err := s.AddAgenda(ctx, a.ID, in); maeul.ErrorCode(err) != maeul.EINVALID {
		t.Errorf("a typed review: %v", err)
	}
	var title, exec, reviewNotes string
	var cost, capital int64
	var round int16
	err = db.Pool.QueryRow(ctx, `SELECT title, cost, capital_subsidy, execution_type, drafting_round, review_notes
		FROM agendas WHERE id = $1`, g1.ID).Scan(&title, &cost, &capital, &exec, &round, &reviewNotes)
	if err != nil {
		t.Fatal(err)
	}
	if title != "골목 안심 조명" || cost != 12_000_000 || capital != 12_000_000 || exec != "public" || round != 3 || reviewNotes != "적정" {
		t.Errorf("stored %q %d %d %q %d %q", title, cost, capital, exec, round, reviewNotes)
	}
	if g1.Number != 1 || g1.AgendaFields.Purpose != "귀갓길" {
		t.Errorf("returned %+v", g1)
	}
	// A bad field is an EINVALID naming it; nothing is stored.
	_, err = s.AddAgenda(ctx, a.ID, assembly.AgendaInput{Title: "합이 틀림", Cost: 1000, CurrentSubsidy: 100})
	var me *maeul.Error
	if !errors.As(err, &me) || me.Code != maeul.EINVALID || me.Field != "current_subsidy" {
		t.Errorf("bad subsidy: %v", err)
	}
	g2, err := s.UpdateAgenda(ctx, a.ID, g1.ID, func(in *assembly.AgendaInput) error {
		in.Remarks = "고친 비고"
		in.DraftingRound = 0 // means 1
		return nil
	})
	if err != nil || g2.Remarks != "고친 비고" || g2.DraftingRound != 1 || g2.Title != "골목 안심 조명" {
		t.Fatalf("update: %v %+v", err, g2)
	}

	// Import a CSV through the domain: all rows after the existing agenda.
	csv := "사업명,사업비 (원),경상보조,자본보조,실행유형,작성단계\n" +
		"주민과 상인,5000000,2000000,3000000,민관 협력형,2차\n" +
		"책 쉼터,3000000,,,기타,\n"
	n, err := s.ImportAgendas(ctx, a.ID, "agendas.csv", []byte(csv))
	if err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	gs, err := s.FindAgendas(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 3 || gs[1].Title != "주민과 상인" || gs[1].Number != 2 || gs[1].CurrentSubsidy != 2_000_000 ||
		gs[1].ExecutionType != assembly.ExecPublicPrivate || gs[1].DraftingRound != 2 || gs[2].ExecutionType != assembly.ExecOther ||
		gs[2].DraftingRound != 1 {
		t.Errorf("after import %+v", gs)
	}
	// A bad file imports nothing.
	if _, err := s.ImportAgendas(ctx, a.ID, "bad.csv", []byte("사업명,사업비 (원)\n,1000\n")); maeul.ErrorCode(err) != maeul.EINVALID {
		t.Errorf("bad import: %v", err)
	}
	if gs, _ := s.FindAgendas(ctx, a.ID); len(gs) != 3 {
		t.Errorf("%d agendas after a bad import", len(gs))
	}

	// Reorder, then publish and leave an opinion.
	if err := s.ReorderAgendas(ctx, a.ID, []int64{gs[2].ID, gs[0].ID, gs[1].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddOpinion(ctx, a.ID, gs[0].ID, assembly.NewOpinion{Body: "좋아요"}); maeul.ErrorCode(err) != maeul.ECONFLICT {
		t.Errorf("opinion on a draft: %v", err)
	}
	p, err := s.Publish(ctx, a.ID)
	if err != nil || p.State != assembly.StatePublished {
		t.Fatalf("publish: %v %+v", err, p)
	}
	o, err := s.AddOpinion(ctx, a.ID, gs[0].ID, assembly.NewOpinion{Author: " 이웃 ", Body: "좋아요\r\n정말로"})
	if err != nil {
		t.Fatal(err)
	}
	var author, body, state string
	var hidden bool
	err = db.Pool.QueryRow(ctx, `SELECT o.author, o.body, o.hidden, a.state FROM opinions o
		JOIN agendas g ON g.id = o.agenda_id JOIN assemblies a ON a.id = g.assembly_id WHERE o.id = $1`, o.ID).
		Scan(&author, &body, &hidden, &state)
	if err != nil {
		t.Fatal(err)
	}
	if author != "이웃" || body != "좋아요\n정말로" || hidden || state != "published" {
		t.Errorf("opinion stored %q %q %v in a %s assembly", author, body, hidden, state)
	}
	if err := s.SetOpinionHidden(ctx, o.ID, true); err != nil {
		t.Fatal(err)
	}
	if ops, _ := s.FindOpinions(ctx, a.ID, false); len(ops[gs[0].ID]) != 0 {
		t.Errorf("hidden opinion shown: %+v", ops)
	}
	var numbers []int
	rows, _ := db.Pool.Query(ctx, `SELECT number FROM agendas WHERE assembly_id = $1 ORDER BY id`, a.ID)
	for rows.Next() {
		var n int
		rows.Scan(&n)
		numbers = append(numbers, n)
	}
	if rows.Err() != nil || len(numbers) != 3 || numbers[0] != 2 || numbers[1] != 3 || numbers[2] != 1 {
		t.Errorf("numbers by id %v (%v)", numbers, rows.Err())
	}
	// Every change told the live viewers of this assembly.
	if len(*changed) < 6 {
		t.Errorf("OnChange called %d times", len(*changed))
	}
	for _, id := range *changed {
		if id != a.ID {
			t.Errorf("OnChange(%d), want %d", id, a.ID)
		}
	}

	// Once voting opens the agendas are frozen.
	if _, err := db.Pool.Exec(ctx, `UPDATE assemblies SET state = 'open' WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAgenda(ctx, a.ID, assembly.AgendaInput{Title: "늦음", Cost: 1}); maeul.ErrorCode(err) != maeul.ECONFLICT {
		t.Errorf("add after opening: %v", err)
	}
	if err := s.DeleteAgenda(ctx, a.ID, gs[0].ID); maeul.ErrorCode(err) != maeul.ECONFLICT {
		t.Errorf("delete after opening: %v", err)
	}
}

// TestServiceRehearsalCopy: a rehearsal copy carries every agenda field.
func TestServiceRehearsalCopy(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	a, err := s.CreateAssembly(ctx, goodInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	in := assembly.AgendaInput{Title: "의제", Cost: 1000, CurrentSubsidy: 1000, Period: "봄", DraftingRound: 2}
	g, err := s.AddAgenda(ctx, a.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := assembly.SetReview(ctx, db.Pool, g.ID, "inadequate", "", ""); err != nil {
		t.Fatal(err)
	}
	cp, err := assembly.CopyForRehearsal(ctx, db.Pool, a.ID, time.Hour, 0)
	if err != nil {
		t.Fatal(err)
	}
	gs, err := s.FindAgendas(ctx, cp.ID)
	if err != nil || len(gs) != 1 {
		t.Fatalf("%v %+v", err, gs)
	}
	in.Validate()
	in.ReviewResult = "inadequate"
	if gs[0].AgendaFields != in || !cp.IsRehearsal() || cp.State != assembly.StateOpen {
		t.Errorf("copy %+v of %+v", gs[0].AgendaFields, in)
	}
	if err := assembly.DeleteRehearsal(ctx, db.Pool, cp.ID); err != nil {
		t.Fatal(err)
	}
}

// TestServiceErrorsNameTheOperation: a failure of the store says what failed,
// and a person's error stays as it is.
func TestServiceErrorsNameTheOperation(t *testing.T) {
	s, _, _ := newService(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.FindAssembly(ctx, 1)
	if err == nil || !strings.HasPrefix(err.Error(), "assembly: find assembly: ") || !errors.Is(err, context.Canceled) {
		t.Errorf("err %v", err)
	}
	_, err = s.FindAssembly(context.Background(), 999999)
	var me *maeul.Error
	if !errors.As(err, &me) || err != error(me) || me.Code != maeul.ENOTFOUND {
		t.Errorf("not found: %#v", err)
	}
}

// TestImportExample: the example file's header is 서식 2-5's, as it was.
func TestImportExample(t *testing.T) {
	want := "사업명,사업내용,위치,사업비 (원),경상보조,자본보조,자치구 담당부서,서울시 담당부서,분과,제안자,실행유형,비고"
	if got := strings.Join(assembly.ImportHeader(), ","); got != want {
		t.Errorf("header %s", got)
	}
	row := "주민과 상인 우리 지금 만나!,축산물시장 인근 환경개선을 위한 소통모임 운영,축산물시장 인근 상가,5000000,2000000,3000000,마을과/지역경제과,지역공동체담당관,소통분과,주민 홍길동,민관 협력형,"
	if got := strings.Join(assembly.ImportExample(), ","); got != row {
		t.Errorf("row %s", got)
	}
}
