package voting_test

import (
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"maeul/account"
	"maeul/database"
	"maeul/server/servertest"
	"maeul/voting"
)

// TestReprint: a jammed card (or range) is reprinted from its sealed copy,
// only while unused and until the close, each reprint in the audit log;
// the close erases the copies, so a dump after it holds none.
func TestReprint(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 10, voting.ChannelOnsite)
	for i, c := range codes {
		if c.Number != i+1 {
			t.Fatalf("card %d is numbered %d", i+1, c.Number)
		}
	}
	var batch string
	{
		var st voting.Stats
		v.host.API(t, "GET", v.path("/codes"), nil).JSON(t, &st)
		batch = st.Batches[0].ID
	}
	if r := v.ballot(t, codes[2].Code, "n3", v.ids(0)); r.Status != 201 {
		t.Fatalf("ballot: %d %s", r.Status, r.Body)
	}
	if r := v.host.API(t, "POST", v.path("/codes/revoke"), map[string]any{"code": codes[5].Short}); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	reprint := func(from, to int) *servertest.Response {
		return v.host.API(t, "POST", v.path("/codes/reprint"), map[string]any{"batch": batch, "from": from, "to": to})
	}

	t.Run("a range gives back the same unused codes", func(t *testing.T) {
		r := reprint(3, 7)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var out struct {
			Codes   []voting.IssuedCode
			Skipped []int
		}
		r.JSON(t, &out)
		if fmt.Sprint(out.Skipped) != "[3 6]" || len(out.Codes) != 3 {
			t.Fatalf("skipped %v, %d codes", out.Skipped, len(out.Codes))
		}
		for _, c := range out.Codes {
			o := codes[c.Number-1]
			if c.Code != o.Code || c.Short != o.Short || c.URL != o.URL {
				t.Fatalf("card %d reprinted as %+v, issued as %+v", c.Number, c, o)
			}
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatal("reprinted codes may be cached")
		}
	})
	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			from, to, status int
			says             string
		}{
			{3, 3, 409, "이미 투표에 쓰였거나 취소되어"}, // used
			{6, 6, 409, "이미 투표에 쓰였거나 취소되어"}, // revoked
			{11, 12, 404, "이 번호의 카드가 없습니다"},
			{0, 2, 422, "시작 번호는 1 이상"},
			{5, 4, 422, "시작 번호는 1 이상"},
		} {
			if r := reprint(tc.from, tc.to); r.Status != tc.status || !strings.Contains(string(r.Body), tc.says) {
				t.Errorf("reprint %d–%d: %d %s", tc.from, tc.to, r.Status, r.Body)
			}
		}
		other := v.e.NewHost(t, account.RoleDong, v.a.District, "망원2동")
		if r := other.API(t, "POST", v.path("/codes/reprint"), map[string]any{"batch": batch, "from": 1, "to": 1}); r.Status != 403 {
			t.Errorf("another dong's host reprinted: %d", r.Status)
		}
	})
	t.Run("the console reprints one card as a marked sheet", func(t *testing.T) {
		r := v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/codes/reprint", v.a.ID), url.Values{"batch": {batch}, "from": {"2"}})
		if r.Status != 303 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var body string
		for i := 0; i < 200; i++ { // the sheet renders in the background
			p := v.host.Get(t, r.Header.Get("Location"))
			body = string(p.Body)
			if strings.Contains(body, `class="sheet"`) {
				break
			}
		}
		if !strings.Contains(body, codes[1].Short) || strings.Contains(body, codes[0].Short) || !strings.Contains(body, "다시 인쇄한 카드입니다") ||
			!strings.Contains(body, fmt.Sprintf("%s묶음 2번", batch)) {
			t.Fatalf("the reprinted sheet: %s", body)
		}
	})
	t.Run("each reprint is logged", func(t *testing.T) {
		if n := v.count(t, `SELECT count(*) FROM audit_log WHERE assembly_id = $1 AND action = 'reprint' AND actor = $2 AND detail LIKE '%"a":["`+batch+`",%'`,
			v.a.ID, v.host.Email); n != 2 {
			t.Fatalf("%d reprints logged, want 2 (refusals are not)", n)
		}
	})

	dump := func(t *testing.T) (string, int) {
		t.Helper()
		dir, err := database.FindBinaries()
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(filepath.Join(dir, "pg_dump"), "--data-only", "--dbname="+v.e.DB.DSN).Output()
		if err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
		s := string(out)
		i := strings.Index(s, "COPY public.code_cards ")
		if i < 0 {
			t.Fatal("the dump has no code_cards")
		}
		block := s[i:]
		block = block[strings.Index(block, "\n")+1 : strings.Index(block, "\n\\.")+1]
		return s, strings.Count(block, "\n")
	}
	t.Run("the dump holds sealed copies before the close, never plain codes", func(t *testing.T) {
		s, rows := dump(t)
		if rows != 9 { // 10 issued, one revoked (its copy erased), one used (kept until close)
			t.Fatalf("%d sealed cards in the dump, want 9", rows)
		}
		for _, c := range codes {
			if strings.Contains(s, c.Code) || strings.Contains(s, strings.ReplaceAll(c.Short, "-", "")) {
				t.Fatalf("a plain code is in the dump: %s", c.Short)
			}
		}
	})
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	t.Run("the close erases them", func(t *testing.T) {
		if _, rows := dump(t); rows != 0 {
			t.Fatalf("%d sealed cards in the dump after the close", rows)
		}
		if r := reprint(1, 1); r.Status != 409 || !strings.Contains(string(r.Body), "마감 때 지웠습니다") {
			t.Fatalf("reprint after close: %d %s", r.Status, r.Body)
		}
	})
}
