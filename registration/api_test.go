package registration_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"maeul/format"
	"maeul/server/servertest"
)

// The rules of registration through the API, on one server: the day one
// turns 14, categories, duplicates on any channel (and spelled otherwise),
// bulk codes refused, the console's counts, and the dump holds no name or
// date of birth.
func TestRegistrationRules(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, "dong", "마포구", "성산1동")
	// Voting opens on 15 July 2026 (Seoul); no online window, no booth.
	opens := time.Date(2026, 7, 15, 10, 0, 0, 0, format.Seoul)
	a := eligibleAssembly(t, e, opens)
	path := regPath(a)

	t.Run("age on the day voting opens", func(t *testing.T) {
		r := h.API(t, "POST", path, person("생일자", "2012-07-15", "resident", "onsite"))
		if r.Status != 201 {
			t.Fatalf("turning 14 on the day voting opens: %d %s", r.Status, r.Body)
		}
		var got struct{ Code, URL, Short string }
		r.JSON(t, &got)
		if got.Code == "" || !strings.Contains(got.URL, "/v/"+a.Slug+"?code="+got.Code) || got.Short == "" {
			t.Fatalf("registration answer: %s", r.Body)
		}
		r = h.API(t, "POST", path, person("하루모자람", "2012-07-16", "resident", "onsite"))
		if r.Status != 422 || r.ErrorCode() != "invalid" || !strings.Contains(message(r), "만 14세") || !strings.Contains(message(r), "만 13세") {
			t.Fatalf("13 on the day voting opens: %d %s", r.Status, r.Body)
		}
		// 8 digits are taken as well.
		if r := h.API(t, "POST", path, person("숫자만", "20120714", "student", "online")); r.Status != 201 {
			t.Fatalf("8-digit date: %d %s", r.Status, r.Body)
		}
		for _, bad := range []string{"", "2012-13-01", "어제", "2099-01-01"} {
			if r := h.API(t, "POST", path, person("잘못", bad, "resident", "onsite")); r.Status != 422 {
				t.Fatalf("birth date %q: %d %s", bad, r.Status, r.Body)
			}
		}
	})

	t.Run("an online window opening earlier moves the day", func(t *testing.T) {
		// Online from 13 July: the person born 14 July 2012 is 13 then.
		if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET online_from = $2, online_until = $3 WHERE id = $1`,
			a.ID, opens.Add(-48*time.Hour), opens.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		r := h.API(t, "POST", path, person("온라인먼저", "2012-07-14", "resident", "online"))
		if r.Status != 422 || !strings.Contains(message(r), "2026") {
			t.Fatalf("online from 13 July, born 14 July 2012: %d %s", r.Status, r.Body)
		}
		if r := h.API(t, "POST", path, person("온라인먼저", "2012-07-13", "resident", "online")); r.Status != 201 {
			t.Fatalf("born 13 July 2012, online from 13 July: %d %s", r.Status, r.Body)
		}
	})

	t.Run("category", func(t *testing.T) {
		r := h.API(t, "POST", path, person("직장인", "1980-01-01", "worker", "onsite"))
		if r.Status != 422 || !strings.Contains(message(r), "직장인") || !strings.Contains(string(r.Body), `"field":"category"`) {
			t.Fatalf("worker at an assembly of residents and students: %d %s", r.Status, r.Body)
		}
		if r := h.API(t, "POST", path, person("외계인", "1980-01-01", "alien", "onsite")); r.Status != 422 {
			t.Fatalf("unknown category: %d %s", r.Status, r.Body)
		}
		if r := h.API(t, "POST", path, person("채널", "1980-01-01", "resident", "paper")); r.Status != 422 {
			t.Fatalf("paper is not a registration channel: %d %s", r.Status, r.Body)
		}
	})

	t.Run("the same person on any channel", func(t *testing.T) {
		if r := h.API(t, "POST", path, person("김 민지", "1958-03-12", "resident", "onsite")); r.Status != 201 {
			t.Fatalf("first: %d %s", r.Status, r.Body)
		}
		for _, again := range []map[string]any{
			person("김민지", "1958-03-12", "resident", "online"),
			person(" 김  민 지 ", "19580312", "student", "onsite"),
		} {
			r := h.API(t, "POST", path, again)
			if r.Status != 409 || r.ErrorCode() != "conflict" || !strings.Contains(message(r), "이미 등록된 분입니다 — 현장 등록 ") {
				t.Fatalf("again (%v): %d %s", again, r.Status, r.Body)
			}
		}
		h.API(t, "POST", path, person("Kim Minji", "1990-01-02", "resident", "online"))
		if r := h.API(t, "POST", path, person("KIM MINJI", "1990-01-02", "resident", "onsite")); r.Status != 409 || !strings.Contains(message(r), "온라인 등록") {
			t.Fatalf("case-folded name: %d %s", r.Status, r.Body)
		}
		// Another birth date is another person.
		if r := h.API(t, "POST", path, person("김민지", "1958-03-13", "resident", "onsite")); r.Status != 201 {
			t.Fatalf("same name, other birth date: %d %s", r.Status, r.Body)
		}
	})

	t.Run("bulk codes refused, counts on the console", func(t *testing.T) {
		r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/codes", a.ID), map[string]any{"count": 5, "channel": "onsite"})
		if r.Status != 409 || !strings.Contains(message(r), "한 분씩 등록") {
			t.Fatalf("bulk codes with eligibility set: %d %s", r.Status, r.Body)
		}
		var st struct {
			Lines []struct {
				Channel string
				Count   int64
			}
			Total   int64
			Refused int64 `json:"duplicates_refused"`
		}
		h.API(t, "GET", path, nil).JSON(t, &st)
		if st.Total != 6 || st.Refused != 3 {
			t.Fatalf("counts: %+v", st)
		}
		page := string(h.Get(t, fmt.Sprintf("/host/assemblies/%d/console", a.ID)).Body)
		if !strings.Contains(page, `data-reg="refused">3<`) || !strings.Contains(page, `data-reg="total">6<`) || strings.Contains(page, `id="issue-btn"`) {
			t.Fatalf("console without the registration counts, or with bulk issuing")
		}
		// The notice says which rule the assembly uses.
		if n := string(h.Get(t, "/a/"+a.Slug+"/notice").Body); !strings.Contains(n, "신분증을 가져오세요") {
			t.Fatalf("the notice does not say that IDs are checked")
		}
	})

	t.Run("the desk page without JavaScript", func(t *testing.T) {
		desk := fmt.Sprintf("/host/assemblies/%d/registrations", a.ID)
		if r := h.Get(t, desk); r.Status != 200 || !strings.Contains(string(r.Body), `id="name"`) || !strings.Contains(string(r.Body), "autofocus") {
			t.Fatalf("desk page: %d", r.Status)
		}
		f := url.Values{"name": {"창구손님"}, "birth_date": {"19700101"}, "category": {"resident"}, "channel": {"onsite"}}
		r := h.PostForm(t, desk, f)
		if r.Status != 201 || !strings.Contains(string(r.Body), `id="done-code"`) || !strings.Contains(string(r.Body), "data:image/png;base64,") {
			t.Fatalf("desk registration: %d", r.Status)
		}
		r = h.PostForm(t, desk, f)
		if r.Status != 409 || !strings.Contains(string(r.Body), "이미 등록된 분입니다") || strings.Contains(string(r.Body), `value="창구손님"`) {
			t.Fatalf("desk duplicate: %d", r.Status)
		}
		f.Set("birth_date", "1970-13-01")
		r = h.PostForm(t, desk, f)
		if r.Status != 422 || !strings.Contains(string(r.Body), `value="1970-13-01"`) {
			t.Fatalf("desk typo kept for correction: %d", r.Status)
		}
	})

	t.Run("no name or date of birth in the database", func(t *testing.T) {
		ctx := context.Background()
		var cols []string
		rows, err := e.DB.Pool.Query(ctx, `SELECT column_name FROM information_schema.columns
			WHERE table_name = 'registrations' ORDER BY ordinal_position`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c string
			rows.Scan(&c)
			cols = append(cols, c)
		}
		rows.Close()
		if got := strings.Join(cols, ","); got != "assembly_id,identity_hash,category,age_band,channel,booth_id,registered_at" {
			t.Fatalf("registrations carry %s: nothing may point to a code", got)
		}
		var tables []string
		rows, err = e.DB.Pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			rows.Scan(&n)
			tables = append(tables, n)
		}
		rows.Close()
		// Every row of every table as text (bytea as hex), searched for
		// each name, its normalised form and each date of birth.
		needles := []string{"김 민지", "김민지", "생일자", "창구손님", "kim minji", "kimminji", "1958-03-12", "19580312", "2012-07-15", "20120715"}
		for _, n := range []string{"김민지", "kimminji", "생일자"} {
			needles = append(needles, hex.EncodeToString([]byte(n)))
		}
		for _, tb := range tables {
			for _, n := range needles {
				var hits int
				if err := e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM "`+tb+`" x WHERE lower(x::text) LIKE '%' || $1 || '%'`, n).Scan(&hits); err != nil {
					t.Fatal(err)
				}
				if hits > 0 {
					t.Errorf("table %s holds %q in %d rows", tb, n, hits)
				}
			}
		}
		// The search finds what is there (a control): the dong's name.
		var control int
		if err := e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM assemblies x WHERE lower(x::text) LIKE '%' || $1 || '%'`, "성산1동").Scan(&control); err != nil || control == 0 {
			t.Fatalf("the scan does not find the dong's name (%d, %v)", control, err)
		}
		if len(tables) < 20 {
			t.Fatalf("only %d tables scanned", len(tables))
		}
	})
}

// Two instances on one database register the same person at the same
// moment: exactly one wins (the primary key decides), the other gets 409,
// and no code is issued for the loser.
func TestRegistrationRaceOnTwoInstances(t *testing.T) {
	e := servertest.Start(t)
	e2 := secondInstance(t, e)
	h := e.NewHost(t, "dong", "마포구", "성산1동")
	a := eligibleAssembly(t, e, time.Now().Add(24*time.Hour))
	const rounds = 15
	for i := range rounds {
		p := person(fmt.Sprintf("경주%d", i), "1970-05-05", "resident", "onsite")
		p2 := person(fmt.Sprintf("경주 %d", i), "1970-05-05", "resident", "online")
		var wg sync.WaitGroup
		var r1, r2 *servertest.Response
		start := make(chan struct{})
		wg.Add(2)
		go func() { defer wg.Done(); <-start; r1 = e.Do(t, "POST", regPath(a), h.Token, p) }()
		go func() { defer wg.Done(); <-start; r2 = e2.Do(t, "POST", regPath(a), h.Token, p2) }()
		close(start)
		wg.Wait()
		if !(r1.Status == 201 && r2.Status == 409 || r1.Status == 409 && r2.Status == 201) {
			t.Fatalf("round %d: %d %s / %d %s", i, r1.Status, r1.Body, r2.Status, r2.Body)
		}
	}
	var regs, codes, batched int
	e.DB.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM registrations WHERE assembly_id = $1),
		(SELECT count(*) FROM codes WHERE assembly_id = $1),
		(SELECT coalesce(sum(count), 0) FROM code_batches WHERE assembly_id = $1)`, a.ID).Scan(&regs, &codes, &batched)
	if regs != rounds || codes != rounds || batched != rounds {
		t.Fatalf("%d registrations, %d codes, batches count %d; want %d each", regs, codes, batched, rounds)
	}
}
